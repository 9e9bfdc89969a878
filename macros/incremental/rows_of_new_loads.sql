{#- The rows of a raw table an incremental base model processes: all of them, or only
    those of loads after its watermark. -#}
{% macro rows_of_new_loads(watermark) -%}
    {%- if watermark is not none -%}
        where _load_id > {{ watermark }}
    {%- endif -%}
{%- endmacro %}
