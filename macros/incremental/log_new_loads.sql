{#- log_rows_processed for a model that processes the rows of loads after `watermark`. -#}
{% macro log_new_loads(upstream, watermark) -%}
    {%- do log_rows_processed(upstream, '_load_id > ' ~ (watermark if watermark is not none else -1)) -%}
{%- endmacro %}
