{#- The raw table a base model reads: `source(source_name, table_name)`, unless the table
    is listed in var `scorehouse_disabled_sources` (tables the CRM does not provide, switched off as
    Fivetran's packages do). A disabled source has no freshness check and no source
    tests; its base model reads the raw table directly, which the loader creates empty
    when the export has no file for it (check_disabled_sources refuses one that holds
    rows). Returns a relation either way, so the incremental helpers can query it. -#}
{% macro raw_source(source_name, table_name) -%}
    {%- if table_name in scorehouse.disabled_sources() -%}
        {{ return(api.Relation.create(schema=var('scorehouse_raw_schema'), identifier=table_name)) }}
    {%- endif -%}
    {{ return(source(source_name, table_name)) }}
{%- endmacro %}
