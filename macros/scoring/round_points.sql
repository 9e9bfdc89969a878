{#- Points rounded to var `scorehouse_score_decimals` places, with -0.0 turned into 0.0. Rounding
    makes scores byte-identical from run to run, whatever order a parallel engine adds
    floating-point values in. Every engine rounds as DuckDB does (`round_half_away`). -#}
{% macro round_points(expression) -%}
    ({{ round_half_away(expression, var('scorehouse_score_decimals')) }} + 0.0)
{%- endmacro %}
