{#- Fails for every row where `expression` is not true (false or null). Optional
    `row_condition` limits the rows checked. -#}
{% test expression_is_true(model, expression, row_condition=none) %}
select *
from {{ model }}
where
    not coalesce({{ expression }}, false)
    {%- if row_condition %}
    and ({{ row_condition }})
    {%- endif %}
{% endtest %}
