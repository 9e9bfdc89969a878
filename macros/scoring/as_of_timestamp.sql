{#- The scoring date as a SQL timestamp literal: midnight UTC at the start of the scoring
    date (macro scoring_date: environment variable SCOREHOUSE_AS_OF_DATE or var
    `scorehouse_as_of_date`, YYYY-MM-DD, read as macro as_of_date_text says; neither: today, UTC,
    at run time). Data before this instant is scored; data at or after it is not. A
    malformed date fails compilation. -#}
{% macro as_of_timestamp() -%}
    {%- set parsed = scorehouse.scoring_date() -%}
    cast('{{ parsed.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
