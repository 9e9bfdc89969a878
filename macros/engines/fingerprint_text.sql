{#- The text row_fingerprint hashes: each expression cast to text, null as `~`, joined
    with `|`, so that the same row always gives the same text on every engine. -#}
{% macro fingerprint_text(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- set text_type = var('scorehouse_text_type')[target.type] -%}
        {%- do parts.append("coalesce(cast(" ~ expression ~ " as " ~ text_type ~ "), '~')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
