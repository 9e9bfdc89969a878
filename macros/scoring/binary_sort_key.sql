{#- A text expression to sort by byte order (code point order) on every engine, so that
    a list aggregated in that order is the same everywhere. DuckDB and Spark compare
    text byte by byte already; PostgreSQL sorts by the database's collation (in
    `en_US.UTF-8`, `a_z` comes after `ab`), unless told `collate "C"`. -#}
{% macro binary_sort_key(expression) -%}
    {{ return(adapter.dispatch('binary_sort_key', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__binary_sort_key(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro postgres__binary_sort_key(expression) -%}
    {{ expression }} collate "C"
{%- endmacro %}
