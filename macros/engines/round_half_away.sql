{#- A number rounded to `decimals` places as DuckDB rounds a double: times 10^decimals,
    half away from zero, divided back, as a double (-0.0 stays possible). PostgreSQL's
    `round(double precision)` rounds half to even and takes no places, so it goes through
    the double's exact text form and numeric; Spark rounds a double through the same
    decimal text. -#}
{% macro round_half_away(expression, decimals) -%}
    {{ return(adapter.dispatch('round_half_away', 'scorehouse')(expression, decimals | int)) }}
{%- endmacro %}

{% macro default__round_half_away(expression, decimals) -%}
    round({{ expression }}, {{ decimals }})
{%- endmacro %}

{% macro postgres__round_half_away(expression, decimals) -%}
    {%- set scale = 10 ** decimals -%}
    cast(round(cast(cast(cast({{ expression }} as double precision) * {{ scale }} as text) as numeric))
        as double precision)
    / {{ scale }}
{%- endmacro %}

{% macro spark__round_half_away(expression, decimals) -%}
    {%- set scale = 10 ** decimals -%}
    round(cast({{ expression }} as double) * {{ scale }}, 0) / {{ scale }}
{%- endmacro %}
