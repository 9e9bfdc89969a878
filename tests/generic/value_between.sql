{#- Fails for every row whose column lies outside [min_value, max_value] (nulls pass;
    test them with not_null). Optional `row_condition` limits the rows checked. -#}
{% test value_between(model, column_name, min_value=none, max_value=none, row_condition=none) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error(
            "value_between on " ~ model ~ "." ~ column_name ~ ": give min_value, max_value or both"
        ) }}
    {%- endif %}
select *
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
    {%- if row_condition %}
    and ({{ row_condition }})
    {%- endif %}
{% endtest %}
