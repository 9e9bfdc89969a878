{#- Configures a model whose statement PostgreSQL must run without nested loops: call
    it at the top of the model, `{{ no_nested_loops_config() }}`. On PostgreSQL a
    pre-hook sets `enable_nestloop` off for the model's transaction only (`set local`);
    other engines are left as they are.

    For the scoring models (int_rule_matches_by_run, int_rule_points_decayed, and
    int_rule_points_capped, which took over its join with the population), as for
    int_signals_scored before them: it joined runs, population and rules through CTEs that
    PostgreSQL materializes (no column statistics) on several columns at once, and
    matches rules to signals with a predicate (macro rule_matches_signal) whose
    selectivity it cannot estimate. Even with fresh statistics it estimated 6 of the 120
    rules, and 1 or 2 rows for joins that gave 18,634 and 691,920, and chose nested
    loops that compared such rows one by one: 285 s on the test data (more than 19 min
    on a second build, planned partly from the first build's statistics), against 4 s
    with hash joins. The model reads no index, so a nested loop saves nothing there.
    int_account_scores_rolled_up too: at 10M events PostgreSQL estimated one account where
    thousands came out, and summed the rule points again for each (docs/engines.md). -#}
{% macro no_nested_loops_config() -%}
    {{ return(adapter.dispatch('no_nested_loops_config', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__no_nested_loops_config() -%}
{%- endmacro %}

{% macro postgres__no_nested_loops_config() -%}
    {{ config(pre_hook='set local enable_nestloop = off') }}
{%- endmacro %}
