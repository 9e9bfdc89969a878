{#- Fractional days from `occurred_at` to the scoring instant (negative for later events).
    In single precision (`dbt.type_float()`), as DuckDB divides a float by a decimal:
    PostgreSQL and Spark would divide in double, so they divide floats and round back. -#}
{% macro age_in_days(occurred_at, as_of) -%}
    {{ return(adapter.dispatch('age_in_days', 'scorehouse')(occurred_at, as_of)) }}
{%- endmacro %}

{% macro default__age_in_days(occurred_at, as_of) -%}
    cast({{ dbt.datediff(occurred_at, as_of, 'second') }} as {{ dbt.type_float() }}) / 86400.0
{%- endmacro %}

{% macro postgres__age_in_days(occurred_at, as_of) -%}
    (cast({{ dbt.datediff(occurred_at, as_of, 'second') }} as real) / cast(86400 as real))
{%- endmacro %}

{#- Spark's optimizer drops a long-to-float cast under a wider cast (it takes it for a
    widening), so the rounded seconds go through a float addition it keeps. #}
{% macro spark__age_in_days(occurred_at, as_of) -%}
    cast((cast({{ dbt.datediff(occurred_at, as_of, 'second') }} as float) + cast(0 as float)) / 86400 as float)
{%- endmacro %}
