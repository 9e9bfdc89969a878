{#- The account metrics that int_run_signals turns into signals, one per column of
    int_account_metrics_dated. Seed `signals` describes each of them (kind `metric`,
    entity `account`); test assert_signals_seed_lists_the_metrics keeps the two lists
    equal, so that a rule can name only a metric that is computed. -#}
{% macro account_metric_signals() -%}
    {{ return([
        'arr', 'on_time_payment_pct', 'avg_days_late', 'expansions_won', 'expansion_rate_pct',
        'usage_trend_pct', 'active_users', 'feature_breadth', 'days_since_last_login',
        'latest_nps', 'tickets_in_window', 'open_escalations', 'avg_resolution_hours',
    ]) }}
{%- endmacro %}
