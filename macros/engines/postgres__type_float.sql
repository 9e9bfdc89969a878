{#- dbt's `type_float()` on PostgreSQL: `real`, the single-precision float that DuckDB
    and Spark mean by `float`, so that every engine computes the same numbers. dbt's
    own default there is `float`, which PostgreSQL reads as double precision. -#}
{% macro postgres__type_float() -%}
    real
{%- endmacro %}
