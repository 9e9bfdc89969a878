{#- The scoring date as a SQL timestamp literal: midnight UTC at the start of var
    `as_of_date` (YYYY-MM-DD). Data before this instant is scored; data at or after it is
    not. With no var, today (UTC) at run time. A malformed date fails compilation. -#}
{% macro as_of_timestamp() -%}
    {%- set text = var('as_of_date', none) -%}
    {%- if text is none or text == '' -%}
        {%- set text = modules.datetime.datetime.utcnow().strftime('%Y-%m-%d') -%}
    {%- endif -%}
    {%- if not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', text | string) -%}
        {{ exceptions.raise_compiler_error("var as_of_date must be a date written YYYY-MM-DD, got '" ~ text ~ "'") }}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.strptime(text | string, '%Y-%m-%d') -%}
    cast('{{ parsed.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
