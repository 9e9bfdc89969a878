{#- dbt's `dateadd` on Spark, as `timestampadd`: exact to the microsecond and null for a
    null date (dbt-spark's own version raises an error on nulls and drops fractions). -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
