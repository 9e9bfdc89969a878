{#- Linear decay to zero over a lifespan: max(0, 1 - age / lifespan). 1 at age 0, 0 at and
    after the lifespan. -#}
{% macro decay_linear(age_days, lifespan_days) -%}
    greatest(0.0, 1.0 - cast({{ age_days }} as {{ type_double() }}) / {{ lifespan_days }})
{%- endmacro %}
