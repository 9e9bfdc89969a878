{#- The keyword that makes a CTE computed once, for a CTE whose columns are expensive
    expressions read several times downstream (`parsed as {{ materialized_cte() }} (`).
    PostgreSQL inlines a CTE read once and then evaluates a column's expression at every
    reference: the base models' parsed timestamps, each several regular-expression
    matches, were evaluated up to 9 times per row (a base model at 10M took 56 s instead
    of 9 s). Spark's SQL has no such keyword, and DuckDB builds these models in seconds
    without it. -#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}
{%- endmacro %}

{% macro postgres__materialized_cte() -%}
    materialized
{%- endmacro %}
