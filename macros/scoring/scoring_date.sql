{#- The scoring date, var `scorehouse_as_of_date` (YYYY-MM-DD), as a Python datetime at midnight
    (UTC): today (UTC) when the var is empty. Jinja code that needs the date itself (how
    many days back an earlier date lies) reads it here; SQL uses as_of_timestamp. A
    malformed date fails compilation. -#}
{% macro scoring_date() -%}
    {#- SCOREHOUSE_AS_OF_DATE or var scorehouse_as_of_date, else today (macro as_of_date_text). -#}
    {%- set text = scorehouse.as_of_date_text() -%}
    {%- if not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', text | string) -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_as_of_date must be a date written YYYY-MM-DD, got '" ~ text ~ "'"
        ) }}
    {%- endif -%}
    {{ return(modules.datetime.datetime.strptime(text | string, '%Y-%m-%d')) }}
{%- endmacro %}
