{#- The values the raw data contract accepts in column `column` of raw table `table`: its
    `meta.accepted_values` in the sources YAML, the one place they are written (the
    loader's contract, the generator and the reference scorer read them there too). An
    empty list while parsing, and for a source switched off by var
    `scorehouse_disabled_sources` (dbt leaves it out of the graph; its raw table is empty,
    macro check_disabled_sources); a table or column without the list fails compilation. -#}
{% macro contract_values(table, column) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- for source in graph.sources.values()
        if source.package_name == 'scorehouse' and source.name == table and column in source.columns -%}
        {%- set values = source.columns[column].meta.get('accepted_values') -%}
        {%- if values -%}
            {{ return(values) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if table in scorehouse.disabled_sources() -%}
        {{ return([]) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        'contract_values: the sources YAML gives no meta.accepted_values for ' ~ table ~ '.' ~ column
    ) }}
{%- endmacro %}
