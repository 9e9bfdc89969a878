{#- The scoring runs one build computes, each a rule set applied as of a date:
    - `current`: the current rules as of var `as_of_date` (what the marts show);
    - `backtest`: the current rules as of `backtest_count` past dates, spaced
      `backtest_spacing_days` apart, the latest `backtest_horizon_days` before the
      scoring date, so that outcomes in (D, D + horizon] are already known;
    - `whatif`: the candidate rule set named by var `candidate_rule_set` as of the same
      past dates, to compare with the backtest.
    Every scoring model downstream is keyed by `run_id`, so backtests use exactly the
    same SQL as production scores. -#}
{%- set horizon = var('backtest_horizon_days') | int -%}
{%- set spacing = var('backtest_spacing_days') | int -%}
{%- set count = var('backtest_count') | int -%}
{%- set candidate = var('candidate_rule_set') -%}
{%- set runs = [('current', 'current', 'current', 0)] -%}
{%- for k in range(count) -%}
    {%- do runs.append(('backtest_' ~ (k + 1), 'backtest', 'current', horizon + k * spacing)) -%}
    {%- if candidate -%}
        {%- do runs.append(('whatif_' ~ (k + 1), 'whatif', candidate, horizon + k * spacing)) -%}
    {%- endif -%}
{%- endfor -%}

with

runs as (
    {%- for run_id, run_type, rule_set, days_back in runs %}
        select
            '{{ run_id }}' as run_id,
            '{{ run_type }}' as run_type,
            '{{ rule_set }}' as rule_set,
            {{ dbt.dateadd('day', -days_back, as_of_timestamp()) }} as as_of_at
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from runs
