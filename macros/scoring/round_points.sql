{#- Points rounded to var `score_decimals` places, with -0.0 turned into 0.0. Rounding
    makes scores byte-identical from run to run, whatever order a parallel engine adds
    floating-point values in. -#}
{% macro round_points(expression) -%}
    {{ return(adapter.dispatch('round_points', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__round_points(expression) -%}
    (round({{ expression }}, {{ var('score_decimals') }}) + 0.0)
{%- endmacro %}

{% macro postgres__round_points(expression) -%}
    (cast(round(cast({{ expression }} as numeric), {{ var('score_decimals') }}) as double precision) + 0.0)
{%- endmacro %}
