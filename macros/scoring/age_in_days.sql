{#- Fractional days from `occurred_at` to the scoring instant (negative for later events). -#}
{% macro age_in_days(occurred_at, as_of) -%}
    cast({{ dbt.datediff(occurred_at, as_of, 'second') }} as {{ dbt.type_float() }}) / 86400.0
{%- endmacro %}
