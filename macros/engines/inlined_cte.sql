{#- The keyword that makes a CTE read where it is used, for a CTE of many wide rows read
    several times, each time through a filter (`matches as {{ inlined_cte() }} (`).
    DuckDB materialises a CTE read more than once: in int_rule_points_decayed at 100M
    events, the 140M matches written out whole filled the disk with more than 30 GB of
    spill, where each reader needs only its filtered part of two tables it can scan
    again. PostgreSQL (which also materialises such a CTE) and Spark (which has no such
    keyword) keep their plans. -#}
{% macro inlined_cte() -%}
    {{ return(adapter.dispatch('inlined_cte', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__inlined_cte() -%}
{%- endmacro %}

{% macro duckdb__inlined_cte() -%}
    not materialized
{%- endmacro %}
