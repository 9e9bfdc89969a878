{#- The date to rescore under today's configuration, or none: the latest date before the
    scoring date in the score history (score_snapshots, or an earlier release's, macro
    legacy_score_history), when some model's rule-set
    version then differs from today's (int_rule_set_versions). scoring_runs then adds a
    `restated` run as of that date, and score_alerts tells the alerts that the change of
    configuration explains from those the behaviour does. Read when the model runs, from
    the history as it stands before this build writes to it (by run, build and retry;
    compile, docs and lint see no restated run); none with no history yet, or with a
    history written before versions were kept (its versions are unknown), and none in a
    unit test, whose inputs are given rows. -#}
{% macro restated_run_date() -%}
    {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {#- Called before the `execute` test, so that dbt records the dependency. -#}
    {%- set versions = ref('int_rule_set_versions') -%}
    {%- if not execute or flags.WHICH not in ['run', 'build', 'retry'] -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set node = graph.nodes.get('model.scorehouse.score_snapshots') -%}
    {%- set history = adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) -%}
    {%- if history is none -%}
        {%- set history = scorehouse.legacy_score_history() -%}
    {%- endif -%}
    {%- if history is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(history) | map(attribute='name') | map('lower') | list -%}
    {%- if 'rule_set_version' not in columns -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with previous_date as (
            select max(as_of_date) as as_of_date
            from {{ history }}
            where as_of_date < cast('{{ scorehouse.scoring_date().strftime("%Y-%m-%d") }}' as date)
        )
        select previous_date.as_of_date
        from previous_date
        inner join {{ history }} as snapshots
            on previous_date.as_of_date = snapshots.as_of_date
        inner join {{ versions }} as versions
            on snapshots.model_id = versions.model_id
        where snapshots.rule_set_version <> versions.rule_set_version
        limit 1
    {%- endset -%}
    {%- set found = run_query(query) -%}
    {{ return(found.rows[0][0] if found.rows | length > 0 else none) }}
{%- endmacro %}
