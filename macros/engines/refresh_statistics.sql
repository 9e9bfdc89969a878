{#- Post-hook of every model and seed (dbt_project.yml): on PostgreSQL, `analyze` the
    table the node has just written (a table, incremental or seed; views hold no rows),
    in the node's transaction, so that the models built after it are planned with its
    statistics. Autovacuum analyzes a table only some time after it changed, and never
    a table of fewer than 50 rows: a model that reads a table written moments before
    is otherwise planned from guesses (on the test data, 18,634 rule matches estimated
    at 1 row), or, on a second build, from a mix of guesses and the statistics of the
    incremental models the first build left. The plans then differ from one build to
    the next: int_signals_scored (now int_rule_points_decayed) took 80 s on a first build and more than 19 min on a
    second (it also needs no_nested_loops_config). Other engines: nothing. -#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
{%- endmacro %}

{% macro postgres__refresh_statistics() -%}
    {%- if model.config.materialized in ['table', 'incremental', 'seed'] -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
