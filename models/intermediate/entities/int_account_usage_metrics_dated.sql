{#- Product usage metrics per run and account, from the usage events before the run's
    date, over the last `scorehouse_metric_recent_days` (recent) and the
    `scorehouse_metric_baseline_days` before them (baseline):
    - `usage_trend_pct`: recent events against the baseline's average for as many days,
      in percent (null without baseline events);
    - `active_users`: distinct users with an event in the recent days;
    - `feature_breadth`: distinct features used in the last `scorehouse_metric_breadth_days`
      (counted within the recent and baseline days);
    - `days_since_last_login`: fractional days since the last login (null without one).
    One row per run and account with an event in the recent or baseline days. -#}
{%- set recent = var('scorehouse_metric_recent_days') | int -%}
{%- set baseline = var('scorehouse_metric_baseline_days') | int -%}
{%- set breadth = var('scorehouse_metric_breadth_days') | int -%}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

usage_events as (
    select * from {{ ref('int_usage_events_daily') }}
),

usage_totals as (
    select
        runs.run_id,
        runs.as_of_at,
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
    group by runs.run_id, runs.as_of_at, usage_events.account_id
),

metrics as (
    select
        run_id,
        account_id,
        recent_events,
        baseline_events,
        case
            when baseline_events > 0
                then 100.0 * (
                        cast(recent_events as {{ type_double() }}) * {{ baseline }} / {{ recent }} - baseline_events
                    ) / baseline_events
        end as usage_trend_pct,
        active_users,
        feature_breadth,
        {{ age_in_days('last_login_at', 'as_of_at') }} as days_since_last_login,
        last_login_at
    from usage_totals
)

select * from metrics
