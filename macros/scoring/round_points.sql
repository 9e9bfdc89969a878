{#- Points rounded to var `scorehouse_score_decimals` places, with -0.0 turned into 0.0. Rounding
    makes scores byte-identical from run to run, whatever order a parallel engine adds
    floating-point values in. Every engine rounds as DuckDB does: the double times
    10^decimals, rounded half away from zero, divided back. (PostgreSQL's text form of a
    double is exact enough to decide a half; Spark rounds a double through the same
    decimal text.) -#}
{% macro round_points(expression) -%}
    {{ return(adapter.dispatch('round_points', 'scorehouse')(expression)) }}
{%- endmacro %}

{% macro default__round_points(expression) -%}
    (round({{ expression }}, {{ var('scorehouse_score_decimals') }}) + 0.0)
{%- endmacro %}

{% macro postgres__round_points(expression) -%}
    {%- set scale = 10 ** (var('scorehouse_score_decimals') | int) -%}
    (
        cast(round(cast(cast(cast({{ expression }} as double precision) * {{ scale }} as text) as numeric))
            as double precision)
        / {{ scale }} + 0.0
    )
{%- endmacro %}

{% macro spark__round_points(expression) -%}
    {%- set scale = 10 ** (var('scorehouse_score_decimals') | int) -%}
    (round(cast({{ expression }} as double) * {{ scale }}, 0) / {{ scale }} + 0.0)
{%- endmacro %}
