{#- Var `scorehouse_disabled_sources`, checked to be a list of names. -#}
{% macro disabled_sources() -%}
    {%- set names = var('scorehouse_disabled_sources', []) -%}
    {%- if names is string or names is mapping or names is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_disabled_sources must be a list of raw table names, "
            ~ "e.g. [support_tickets, nps_responses]; got "
            ~ names
        ) }}
    {%- endif -%}
    {{ return(names | list) }}
{%- endmacro %}
