{#- A scoring run's instant (one of macro scoring_runs' dicts) as a SQL timestamp: the
    scoring instant (macro as_of_timestamp) moved back the run's `days_back` days.
    int_scoring_runs holds it per run; int_rule_points_decayed writes each run's date in
    its own column with it, so that it need not read the runs table. -#}
{% macro run_as_of_at(run) -%}
    {{ dbt.dateadd('day', -run.days_back, scorehouse.as_of_timestamp()) }}
{%- endmacro %}
