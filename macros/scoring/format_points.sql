{#- Points as signed text with one decimal, e.g. `+12.5`, `-20.0`, for readable reasons. -#}
{% macro format_points(points) -%}
    {{ return(adapter.dispatch('format_points', 'scorehouse')(points)) }}
{%- endmacro %}

{% macro default__format_points(points) -%}
    printf('%+.1f', {{ points }})
{%- endmacro %}

{% macro postgres__format_points(points) -%}
    to_char({{ points }}, 'FMSG99999990.0')
{%- endmacro %}

{#- Not `format_string`: Java rounds the shortest decimal form half up (0.35 gives +0.4),
    where DuckDB and PostgreSQL round the exact binary value half to even (+0.3), as
    Java's DecimalFormat behind `format_number` does. #}
{% macro spark__format_points(points) -%}
    format_number({{ points }}, '+0.0;-0.0')
{%- endmacro %}
