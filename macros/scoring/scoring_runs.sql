{#- The scoring runs one build computes, as a list of dicts (run_id, run_type, rule_set,
    days_back): the current rules as of `as_of_date`; the current rules as of
    `backtest_count` past dates, `backtest_horizon_days` + k * `backtest_spacing_days`
    days back; and, when var `candidate_rule_set` names one, the candidate rules as of
    the same past dates. int_scoring_runs turns them into a table; models that compute
    every run in one pass (int_rule_matches_decayed) loop over them. -#}
{% macro scoring_runs() -%}
    {%- set horizon = var('backtest_horizon_days') | int -%}
    {%- set spacing = var('backtest_spacing_days') | int -%}
    {%- set count = var('backtest_count') | int -%}
    {%- set candidate = var('candidate_rule_set') -%}
    {%- set runs = [{'run_id': 'current', 'run_type': 'current', 'rule_set': 'current', 'days_back': 0}] -%}
    {%- for k in range(count) -%}
        {%- do runs.append({
            'run_id': 'backtest_' ~ (k + 1), 'run_type': 'backtest', 'rule_set': 'current',
            'days_back': horizon + k * spacing,
        }) -%}
        {%- if candidate -%}
            {%- do runs.append({
                'run_id': 'whatif_' ~ (k + 1), 'run_type': 'whatif', 'rule_set': candidate,
                'days_back': horizon + k * spacing,
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(runs) }}
{%- endmacro %}
