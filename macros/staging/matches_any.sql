{#- True when `expression` contains any of `patterns` (case-insensitive substrings).
    Portable: plain LIKE, no regex dialects. An empty list matches nothing. -#}
{% macro matches_any(expression, patterns) -%}
    {%- if patterns | length == 0 -%}
        false
    {%- else -%}
        (
        {%- for pattern in patterns %}
            {%- set escaped = pattern | lower | replace("'", "''") %}
            lower({{ expression }}) like '%{{ escaped }}%'{% if not loop.last %} or{% endif %}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}
