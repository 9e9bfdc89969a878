{#- Each account's latest NPS answer per run: the last answer given in the
    `scorehouse_nps_window_days` before the run's date (ties: the highest response id).
    One row per run and account that answered in the window. -#}
{%- set nps_window = var('scorehouse_nps_window_days') | int -%}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

nps_responses as (
    select * from {{ ref('stg_support__nps_responses') }}
),

ranked_responses as (
    select
        runs.run_id,
        nps_responses.account_id,
        nps_responses.nps_response_id,
        nps_responses.nps_score,
        nps_responses.responded_at,
        row_number() over (
            partition by runs.run_id, nps_responses.account_id
            order by nps_responses.responded_at desc, nps_responses.nps_response_id desc
        ) as recency_rank
    from nps_responses
    inner join runs
        on
            nps_responses.responded_at < runs.as_of_at
            and nps_responses.responded_at >= {{ dbt.dateadd('day', -nps_window, 'runs.as_of_at') }}
),

metrics as (
    select
        run_id,
        account_id,
        nps_response_id,
        nps_score as latest_nps,
        responded_at
    from ranked_responses
    where recency_rank = 1
)

select * from metrics
