{#- True when `expression` equals one of the literal `values`. An empty list matches nothing. -#}
{% macro in_list(expression, values) -%}
    {%- if values | length == 0 -%}
        false
    {%- else -%}
        {{ expression }} in (
            {%- for value in values -%}
                '{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}
            {%- endfor -%}
        )
    {%- endif -%}
{%- endmacro %}
