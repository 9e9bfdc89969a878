{#- The engine's double-precision float type (dbt has no `type_double`): `double`, or
    `double precision` on PostgreSQL. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}
