{#- `expression` without any of `characters` at its end. Spark's two-argument `rtrim`
    takes the characters first, so Spark spells it `trim(trailing ... from ...)`. -#}
{% macro rtrim_chars(expression, characters) -%}
    {{ return(adapter.dispatch('rtrim_chars', 'scorehouse')(expression, characters)) }}
{%- endmacro %}

{% macro default__rtrim_chars(expression, characters) -%}
    rtrim({{ expression }}, {{ characters }})
{%- endmacro %}

{% macro spark__rtrim_chars(expression, characters) -%}
    trim(trailing {{ characters }} from {{ expression }})
{%- endmacro %}
