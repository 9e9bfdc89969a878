{#- Support metrics per run and account, from the tickets opened before the run's date:
    - `tickets_in_window`: tickets opened in the last `scorehouse_ticket_window_days`;
    - `open_escalations`: escalated tickets still unresolved at the date;
    - `avg_resolution_hours`: average hours from opening to resolution of the tickets
      resolved in the last `scorehouse_resolution_window_days` (null when none was).
    One row per run and account with a ticket opened before the date. -#}
{%- set ticket_window = var('scorehouse_ticket_window_days') | int -%}
{%- set resolution_window = var('scorehouse_resolution_window_days') | int -%}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

tickets as (
    select * from {{ ref('stg_support__tickets') }}
),

metrics as (
    select
        runs.run_id,
        tickets.account_id,
        count(
            case when tickets.opened_at >= {{ dbt.dateadd('day', -ticket_window, 'runs.as_of_at') }} then 1 end
        ) as tickets_in_window,
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
                    and tickets.resolved_at >= {{ dbt.dateadd('day', -resolution_window, 'runs.as_of_at') }}
                    then {{ dbt.datediff('tickets.opened_at', 'tickets.resolved_at', 'second') }} / 3600.0  -- noqa: LT05
            end
        ) as avg_resolution_hours
    from tickets
    inner join runs
        on tickets.opened_at < runs.as_of_at
    group by runs.run_id, tickets.account_id
)

select * from metrics
