{#- True when the raw text is present but its parsed value is null. -#}
{% macro is_unparseable(raw_column, parsed_expression) -%}
    ({{ scorehouse.clean_text(raw_column) }} is not null and {{ parsed_expression }} is null)
{%- endmacro %}
