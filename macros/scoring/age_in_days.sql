{#- Fractional days from `occurred_at` to the scoring instant (negative for later events),
    in double precision on every engine. -#}
{% macro age_in_days(occurred_at, as_of) -%}
    cast({{ dbt.datediff(occurred_at, as_of, 'second') }} as {{ type_double() }}) / 86400.0
{%- endmacro %}
