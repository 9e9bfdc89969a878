{#- Expansion per run and account: the expansion opportunities won (closed) in the last
    `scorehouse_expansion_window_days` before the run's date, how many and their amount.
    One row per run and account with such a win. -#}
{%- set expansion_window = var('scorehouse_expansion_window_days') | int -%}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

won_expansions as (
    {#- An opportunity may name only its contact: it is no account's expansion. #}
    select *
    from opportunities
    where
        opportunity_type = 'expansion'
        and opportunity_stage = 'won'
        and account_id is not null
),

metrics as (
    select
        runs.run_id,
        won_expansions.account_id,
        count(*) as expansions_won,
        sum(won_expansions.amount) as expansion_amount
    from won_expansions
    inner join runs
        on
            won_expansions.closed_at < runs.as_of_at
            and won_expansions.closed_at >= {{ dbt.dateadd('day', -expansion_window, 'runs.as_of_at') }}
    group by runs.run_id, won_expansions.account_id
)

select * from metrics
