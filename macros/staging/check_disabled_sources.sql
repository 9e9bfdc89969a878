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
                "var scorehouse_disabled_sources: unknown raw table(s) " ~ unknown | join(', ')
                ~ "; the raw tables are "
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
