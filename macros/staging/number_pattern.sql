{#- Regular expression of a plain decimal number (`12`, `-3.5`, `.5`, `1e3`). Character
    classes only, so the same literal means the same in PostgreSQL and Spark. -#}
{% macro number_pattern() -%}
    ^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$
{%- endmacro %}
