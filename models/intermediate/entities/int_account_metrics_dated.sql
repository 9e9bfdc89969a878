{#- Customer metrics per account as of each run's date, from data before that date
    only: ARR (the last 90 days of invoices, annualised), payment reliability (share of
    due invoices paid on time, average days late), expansion (won in the last year, and
    as a rate of ARR), usage, NPS and support. They become numeric signals that account-level rules match with `between`.
    Window lengths are vars (`metric_*_days`). A metric with no data is null and
    matches no rule. -#}
{%- set recent = var('scorehouse_metric_recent_days') | int -%}
{%- set baseline = var('scorehouse_metric_baseline_days') | int -%}
{%- set breadth = var('scorehouse_metric_breadth_days') | int -%}
{%- set year = 365 -%}
{#- Days from an invoice's due date to its payment (or to the run's date if unpaid). -#}
{%- set days_late = dbt.datediff(
    'invoices.due_date', 'coalesce(invoices.paid_date, cast(runs.as_of_at as date))', 'day'
) -%}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

usage_events as (
    select * from {{ ref('int_usage_events_daily') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

nps_responses as (
    select * from {{ ref('stg_support__nps_responses') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

usage as (
    select
        runs.run_id,
        usage_events.account_id,
        cast(sum(
            case
                when usage_events.first_occurred_at >= {{ dbt.dateadd('day', -recent, 'runs.as_of_at') }}
                    then usage_events.event_count
                else 0
            end
        ) as {{ dbt.type_bigint() }}) as recent_events,
        cast(sum(
            case
                when usage_events.first_occurred_at < {{ dbt.dateadd('day', -recent, 'runs.as_of_at') }}
                    then usage_events.event_count
                else 0
            end
        ) as {{ dbt.type_bigint() }}) as baseline_events,
        count(
            distinct case
                when usage_events.first_occurred_at >= {{ dbt.dateadd('day', -recent, 'runs.as_of_at') }}
                    then usage_events.contact_id
            end
        ) as active_users,
        count(
            distinct case
                when usage_events.first_occurred_at >= {{ dbt.dateadd('day', -breadth, 'runs.as_of_at') }}
                    then usage_events.feature_name
            end
        ) as feature_breadth,
        max(case when usage_events.usage_event_name = 'login' then usage_events.last_occurred_at end)
            as last_login_at
    from usage_events
    inner join runs
        on
            usage_events.first_occurred_at < runs.as_of_at
            and usage_events.first_occurred_at >= {{ dbt.dateadd('day', -(recent + baseline), 'runs.as_of_at') }}
    group by runs.run_id, usage_events.account_id
),

billing as (
    select
        runs.run_id,
        invoices.account_id,
        sum(
            case
                when invoices.invoice_date >= cast({{ dbt.dateadd('day', -90, 'runs.as_of_at') }} as date)
                    then invoices.invoice_amount
                else 0
            end
        ) * 365.0 / 90 as arr,
        count(case when invoices.due_date < cast(runs.as_of_at as date) then 1 end) as invoices_due,
        count(
            case
                when
                    invoices.due_date < cast(runs.as_of_at as date)
                    and invoices.paid_date <= invoices.due_date
                    then 1
            end
        ) as invoices_on_time,
        avg(
            case
                when invoices.due_date < cast(runs.as_of_at as date)
                    then greatest(0, {{ days_late }})  -- noqa: LT05
            end
        ) as avg_days_late
    from invoices
    inner join runs
        on
            invoices.invoice_date < cast(runs.as_of_at as date)
            and invoices.invoice_date >= cast({{ dbt.dateadd('day', -year, 'runs.as_of_at') }} as date)
    group by runs.run_id, invoices.account_id
),

support as (
    select
        runs.run_id,
        tickets.account_id,
        count(
            case when tickets.opened_at >= {{ dbt.dateadd('day', -90, 'runs.as_of_at') }} then 1 end
        ) as tickets_90d,
        count(
            case
                when
                    tickets.is_escalated
                    and (tickets.resolved_at is null or tickets.resolved_at >= runs.as_of_at)
                    then 1
            end
        ) as open_escalations,
        avg(
            case
                when
                    tickets.resolved_at < runs.as_of_at
                    and tickets.resolved_at >= {{ dbt.dateadd('day', -180, 'runs.as_of_at') }}
                    then {{ dbt.datediff('tickets.opened_at', 'tickets.resolved_at', 'second') }} / 3600.0  -- noqa: LT05
            end
        ) as avg_resolution_hours_180d
    from tickets
    inner join runs
        on tickets.opened_at < runs.as_of_at
    group by runs.run_id, tickets.account_id
),

ranked_nps as (
    select
        runs.run_id,
        nps_responses.account_id,
        nps_responses.nps_score,
        row_number() over (
            partition by runs.run_id, nps_responses.account_id
            order by nps_responses.responded_at desc, nps_responses.nps_response_id desc
        ) as recency_rank
    from nps_responses
    inner join runs
        on
            nps_responses.responded_at < runs.as_of_at
            and nps_responses.responded_at >= {{ dbt.dateadd('day', -year, 'runs.as_of_at') }}
),

expansions as (
    select
        runs.run_id,
        opportunities.account_id,
        count(*) as expansion_won_365d,
        sum(opportunities.amount) as expansion_amount_365d
    from opportunities
    inner join runs
        on
            opportunities.closed_at < runs.as_of_at
            and opportunities.closed_at >= {{ dbt.dateadd('day', -year, 'runs.as_of_at') }}
    where opportunities.opportunity_type = 'expansion' and opportunities.opportunity_stage = 'won'
    group by runs.run_id, opportunities.account_id
),

metrics as (
    select
        stages.run_id,
        stages.account_id,
        stages.is_customer,
        billing.arr,
        case
            when billing.invoices_due > 0 then 100.0 * billing.invoices_on_time / billing.invoices_due
        end as on_time_payment_pct,
        billing.avg_days_late as avg_days_late_365d,
        coalesce(expansions.expansion_won_365d, 0) as expansion_won_365d,
        case
            when billing.arr > 0 then 100.0 * coalesce(expansions.expansion_amount_365d, 0) / billing.arr
        end as expansion_rate_pct,
        case
            when usage.baseline_events > 0
                then 100.0 * (usage.recent_events * {{ baseline }} / {{ recent }} - usage.baseline_events)
                    / usage.baseline_events
        end as usage_trend_pct,
        coalesce(usage.active_users, 0) as active_users_30d,
        coalesce(usage.feature_breadth, 0) as feature_breadth_90d,
        coalesce(
            {{ age_in_days("usage.last_login_at", "runs.as_of_at") }}, {{ recent + baseline }}
        ) as days_since_last_login,
        ranked_nps.nps_score as latest_nps,
        coalesce(support.tickets_90d, 0) as tickets_90d,
        coalesce(support.open_escalations, 0) as open_escalations,
        support.avg_resolution_hours_180d
    from stages
    inner join runs
        on stages.run_id = runs.run_id
    left join usage
        on stages.run_id = usage.run_id and stages.account_id = usage.account_id
    left join billing
        on stages.run_id = billing.run_id and stages.account_id = billing.account_id
    left join support
        on stages.run_id = support.run_id and stages.account_id = support.account_id
    left join ranked_nps
        on
            stages.run_id = ranked_nps.run_id
            and stages.account_id = ranked_nps.account_id
            and ranked_nps.recency_rank = 1
    left join expansions
        on stages.run_id = expansions.run_id and stages.account_id = expansions.account_id
    where stages.is_customer
)

select * from metrics
