{#- Exponential decay: 0.5 ^ (age / half_life). 1 at age 0, 0.5 at the half-life. -#}
{% macro decay_exponential(age_days, half_life_days) -%}
    power(0.5, cast({{ age_days }} as {{ type_double() }}) / {{ half_life_days }})
{%- endmacro %}
