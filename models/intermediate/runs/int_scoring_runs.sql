{#- The scoring runs one build computes, each a rule set applied as of a date:
    - `current`: the current rules as of var `scorehouse_as_of_date` (what the marts show);
    - `backtest`: the current rules as of `scorehouse_backtest_count` past dates, spaced
      `scorehouse_backtest_spacing_days` apart, the latest `scorehouse_backtest_horizon_days` before the
      scoring date, so that outcomes in (D, D + horizon] are already known;
    - `whatif`: the candidate rule set named by var `scorehouse_candidate_rule_set` as of the same
      past dates, to compare with the backtest.
    Every scoring model downstream is keyed by `run_id`, so backtests use exactly the
    same SQL as production scores. The list comes from macro scoring_runs, each run's date from macro
    run_as_of_at. -#}
{%- set runs = scoring_runs() %}

with

runs as (
    {%- for run in runs %}
        select
            '{{ run.run_id }}' as run_id,
            '{{ run.run_type }}' as run_type,
            '{{ run.rule_set }}' as rule_set,
            {{ run_as_of_at(run) }} as as_of_at
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from runs
