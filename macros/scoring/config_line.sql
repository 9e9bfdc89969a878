{#- One line of a model's canonical configuration text (int_rule_set_versions):
    `<section>|<value>|<value>...`, each value as text and a null as nothing. Numbers
    must come through canonical_number first, so that every engine writes them alike. -#}
{% macro config_line(section, columns) -%}
    {%- set parts = ["'" ~ section ~ "'"] -%}
    {%- for column in columns -%}
        {%- do parts.append("'|'") -%}
        {%- set text_type = var('scorehouse_text_type')[target.type] -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ text_type ~ "), '')") -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
