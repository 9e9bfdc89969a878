{#- Join condition: `score` falls in the band row `band` (min inclusive, max exclusive,
    an empty bound is open). -#}
{% macro in_band(score, band) -%}
    ({{ score }} >= coalesce({{ band }}.min_score, {{ score }})
    and ({{ band }}.max_score is null or {{ score }} < {{ band }}.max_score))
{%- endmacro %}
