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


{#- Var `scorehouse_disabled_sources`, checked to be a list of names. -#}
{% macro disabled_sources() -%}
    {%- set names = var('scorehouse_disabled_sources', []) -%}
    {%- if names is string or names is mapping or names is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_disabled_sources must be a list of raw table names, e.g. [support_tickets, nps_responses]; got "
            ~ names
        ) }}
    {%- endif -%}
    {{ return(names | list) }}
{%- endmacro %}


{#- on-run-start: every name in var `scorehouse_disabled_sources` is a raw table a base model reads
    (through raw_source), and holds no rows: a disabled table with data is a
    contradiction, refused in one line rather than read in silence. -#}
{% macro check_disabled_sources() -%}
    {%- set disabled = scorehouse.disabled_sources() -%}
    {%- if execute and disabled -%}
        {%- set readable = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- for name in modules.re.findall("raw_source\\(\\s*'\\w+'\\s*,\\s*'(\\w+)'", node.raw_code or '') -%}
                {%- do readable.append(name) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- set unknown = disabled | reject('in', readable) | list -%}
        {%- if unknown -%}
            {{ exceptions.raise_compiler_error(
                "var scorehouse_disabled_sources: unknown raw table(s) " ~ unknown | join(', ') ~ "; the raw tables are "
                ~ readable | unique | sort | join(', ')
            ) }}
        {%- endif -%}
        {%- for name in disabled -%}
            {%- set relation = api.Relation.create(schema=var('scorehouse_raw_schema'), identifier=name) -%}
            {%- set rows = run_query('select count(*) from ' ~ relation).rows[0][0] -%}
            {%- if rows > 0 -%}
                {{ exceptions.raise_compiler_error(
                    "var scorehouse_disabled_sources lists " ~ name ~ ", but " ~ relation ~ " holds " ~ rows
                    ~ " row(s): take it off the list, or load the export without that table"
                ) }}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
