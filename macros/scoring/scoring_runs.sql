{#- The scoring runs one build computes, as a list of dicts (run_id, run_type, rule_set,
    days_back): the current rules as of `as_of_date`; the current rules as of
    `scorehouse_backtest_count` past dates, `scorehouse_backtest_horizon_days` + k * `scorehouse_backtest_spacing_days`
    days back; when var `scorehouse_candidate_rule_set` names one, the candidate rules as of the
    same past dates; and, when a model's configuration changed since the previous date
    in the score history (macro restated_run_date), the current rules as of that date
    (`restated`). int_scoring_runs turns them into a table; models that compute every
    run in one pass (int_rule_points_decayed) loop over them.

    With environment variable SCOREHOUSE_HISTORY_ONLY=1 (what `scorehouse backfill` sets
    for each past date) only the current and restated runs: no backtest, no what-if. It is
    read only while executing, as the scoring date is (macro as_of_date_text), so that a
    backfill costs no parsing; vars would make dbt reparse the whole project. -#}
{% macro scoring_runs() -%}
    {%- set horizon = var('scorehouse_backtest_horizon_days') | int -%}
    {%- set spacing = var('scorehouse_backtest_spacing_days') | int -%}
    {%- set history_only = execute and env_var('SCOREHOUSE_HISTORY_ONLY', '') == '1' -%}
    {%- set count = 0 if history_only else var('scorehouse_backtest_count') | int -%}
    {%- set candidate = var('scorehouse_candidate_rule_set') -%}
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
    {%- set restated = scorehouse.restated_run_date() -%}
    {%- if restated -%}
        {#- The engine's date (or datetime) read back as a date. #}
        {%- set restated_date = modules.datetime.datetime.strptime((restated | string)[:10], '%Y-%m-%d') -%}
        {%- set days_back = (scorehouse.scoring_date() - restated_date).days -%}
        {%- do runs.append({
            'run_id': 'restated', 'run_type': 'restated', 'rule_set': 'current', 'days_back': days_back,
        }) -%}
    {%- endif -%}
    {{ return(runs) }}
{%- endmacro %}
