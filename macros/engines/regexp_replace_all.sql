{#- `expression` with every match of the regular expression `pattern` replaced by
    `replacement` (all three SQL expressions). DuckDB and PostgreSQL replace the first
    match unless given the `g` flag; Spark's `regexp_replace` replaces them all. Keep
    patterns free of backslashes: Spark's string literals treat them as escapes. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'scorehouse')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
