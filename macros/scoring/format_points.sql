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

{% macro spark__format_points(points) -%}
    format_string('%+.1f', {{ points }})
{%- endmacro %}
