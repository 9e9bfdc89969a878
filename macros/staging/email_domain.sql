{#- The domain part of a normalised email address (text after the last `@`). -#}
{% macro email_domain(email) -%}
    {{ dbt.split_part(email, "'@'", 2) }}
{%- endmacro %}
