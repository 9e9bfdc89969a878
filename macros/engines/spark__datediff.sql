{#- dbt's `datediff` on Spark for days and clock units: boundaries crossed, as DuckDB
    and PostgreSQL count them, and null for a null date (dbt-spark's own version raises
    an error on nulls). The project needs no other date part. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'second': 1, 'minute': 60, 'hour': 3600} -%}
    {%- if datepart == 'day' -%}
        datediff(cast({{ second_date }} as date), cast({{ first_date }} as date))
    {%- elif datepart in seconds -%}
        (floor(unix_seconds(cast({{ second_date }} as timestamp)) / {{ seconds[datepart] }})
        - floor(unix_seconds(cast({{ first_date }} as timestamp)) / {{ seconds[datepart] }}))
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "datediff on spark: date part '" ~ datepart ~ "' is not implemented (expected day, hour, minute or second)"
        ) }}
    {%- endif -%}
{%- endmacro %}
