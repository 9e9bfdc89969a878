{#- Customer metrics per run and customer account, as of the run's date, from data before
    it only: the billing, expansion, usage, NPS and support metrics of their own models
    (each with its window from a var), joined. They become numeric signals that
    account-level rules match with `between`. A count without data is 0, days since the
    last login without one the whole usage lookback, any other metric without data null
    (it matches no rule). -#}
{%- set recent = var('scorehouse_metric_recent_days') | int -%}
{%- set baseline = var('scorehouse_metric_baseline_days') | int -%}

with

stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

billing as (
    select * from {{ ref('int_account_billing_metrics_dated') }}
),

expansions as (
    select * from {{ ref('int_account_expansion_metrics_dated') }}
),

usage as (
    select * from {{ ref('int_account_usage_metrics_dated') }}
),

nps as (
    select * from {{ ref('int_account_nps_metrics_dated') }}
),

support as (
    select * from {{ ref('int_account_support_metrics_dated') }}
),

customers as (
    select
        run_id,
        account_id,
        is_customer
    from stages
    where is_customer
),

metrics as (
    select
        customers.run_id,
        customers.account_id,
        customers.is_customer,
        billing.arr,
        billing.on_time_payment_pct,
        billing.avg_days_late,
        coalesce(expansions.expansions_won, 0) as expansions_won,
        case
            when billing.arr > 0 then 100.0 * coalesce(expansions.expansion_amount, 0) / billing.arr
        end as expansion_rate_pct,
        usage.usage_trend_pct,
        coalesce(usage.active_users, 0) as active_users,
        coalesce(usage.feature_breadth, 0) as feature_breadth,
        coalesce(usage.days_since_last_login, {{ recent + baseline }}) as days_since_last_login,
        nps.latest_nps,
        coalesce(support.tickets_in_window, 0) as tickets_in_window,
        coalesce(support.open_escalations, 0) as open_escalations,
        support.avg_resolution_hours
    from customers
    left join billing
        on customers.run_id = billing.run_id and customers.account_id = billing.account_id
    left join expansions
        on customers.run_id = expansions.run_id and customers.account_id = expansions.account_id
    left join usage
        on customers.run_id = usage.run_id and customers.account_id = usage.account_id
    left join nps
        on customers.run_id = nps.run_id and customers.account_id = nps.account_id
    left join support
        on customers.run_id = support.run_id and customers.account_id = support.account_id
)

select * from metrics
