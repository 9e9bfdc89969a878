{#- True when an entity belongs to a model's population: `all`, `prospects` (not a
    customer at the run's date) or `customers`. -#}
{% macro in_population(population, is_customer) -%}
    (
        {{ population }} = 'all'
        or ({{ population }} = 'prospects' and not {{ is_customer }})
        or ({{ population }} = 'customers' and {{ is_customer }})
    )
{%- endmacro %}
