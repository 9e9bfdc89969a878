{#- The scores of the current run only (the rules in force, as of `as_of_date`), with
    the run's scoring instant: what the BI marts show. -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

scores as (
    select * from {{ ref('int_scores_graded') }}
),

current_scores as (
    select
        scores.*,
        runs.as_of_at
    from scores
    inner join runs
        on scores.run_id = runs.run_id
    where runs.run_type = 'current'
)

select * from current_scores
