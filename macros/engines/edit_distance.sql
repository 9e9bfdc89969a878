{#- The Levenshtein distance between two texts, to suggest the closest known name for a
    misspelt one. PostgreSQL has it only with the fuzzystrmatch extension: without it,
    a rougher distance (the difference in length, plus the length of the first text
    when the two do not share their first three characters). -#}
{% macro edit_distance(left, right) -%}
    {{ return(adapter.dispatch('edit_distance', 'scorehouse')(left, right)) }}
{%- endmacro %}

{% macro default__edit_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{% macro postgres__edit_distance(left, right) -%}
    {%- set has_levenshtein = false -%}
    {%- if execute -%}
        {%- set has_levenshtein = run_query(
            "select count(*) from pg_extension where extname = 'fuzzystrmatch'"
        ).rows[0][0] > 0 -%}
    {%- endif -%}
    {%- if has_levenshtein -%}
        levenshtein({{ left }}, {{ right }})
    {%- else -%}
        abs(length({{ left }}) - length({{ right }}))
        + case when left({{ left }}, 3) = left({{ right }}, 3) then 0 else length({{ left }}) end
    {%- endif -%}
{%- endmacro %}
