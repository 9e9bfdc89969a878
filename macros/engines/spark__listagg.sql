{#- dbt's `listagg` on Spark, honouring `order_by_clause` (dbt-spark ignores it): the
    values sorted by the order-by expressions, then joined. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set order_by = order_by_clause | trim -%}
        {%- if not order_by.lower().startswith('order by ') or ' desc' in order_by.lower() or ',' in order_by -%}
            {{ exceptions.raise_compiler_error(
                "listagg on spark: order_by_clause must be 'order by <one expression>' (ascending), got '"
                ~ order_by_clause ~ "'"
            ) }}
        {%- endif -%}
        {%- set sorted -%}
            transform(
                array_sort(collect_list(struct({{ order_by[9:] }} as sort_key, {{ measure }} as measure))),
                item -> item.measure
            )
        {%- endset -%}
    {%- else -%}
        {%- set sorted = 'collect_list(' ~ measure ~ ')' -%}
    {%- endif -%}
    array_join({{ 'slice(' ~ sorted ~ ', 1, ' ~ limit_num ~ ')' if limit_num else sorted }}, {{ delimiter_text }})
{%- endmacro %}
