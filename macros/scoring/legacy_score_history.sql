{#- The score history as releases before the mart `score_snapshots` kept it: the table
    `int_score_snapshots` of the intermediate schema, or none when this warehouse has
    none (or while parsing). score_snapshots takes its dates over on its first build,
    and restated_run_date reads it until then. The table is left in place: drop it by
    hand once `score_snapshots` holds its dates. -#}
{% macro legacy_score_history() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=target.database,
        schema=generate_schema_name('intermediate', none) | trim,
        identifier='int_score_snapshots',
    )) }}
{%- endmacro %}
