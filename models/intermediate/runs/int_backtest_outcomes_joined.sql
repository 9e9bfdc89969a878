{#- Backtest and what-if scores joined to what happened next: one row per run (as of a
    past date D), model with an outcome, and entity it scored, with whether the model's
    outcome occurred in [D, D + scorehouse_backtest_horizon_days), and whether the entity was an
    MQL then (int_scores_graded) and due a call (an MQL whose grade has a service level,
    as in lead_scores), for the volume figures of model_performance_summary. Scores use
    only data before D (see int_rule_points_decayed); outcomes only data from D on. -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

scores as (
    select * from {{ ref('int_scores_graded') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

outcomes as (
    select * from {{ ref('int_outcomes') }}
),

service_levels as (
    select * from {{ ref('service_levels') }}
),

past_scores as (
    select
        runs.run_id,
        runs.run_type,
        runs.rule_set,
        runs.as_of_at,
        scores.model_id,
        scoring_models.outcome,
        scores.entity_type,
        scores.entity_id,
        coalesce(scores.grade, scores.total_tier, 'ungraded') as grade,
        scores.total_score,
        scores.is_mql,
        scores.is_mql and service_levels.response_hours is not null as is_call
    from scores
    inner join runs
        on scores.run_id = runs.run_id
    inner join scoring_models
        on scores.model_id = scoring_models.model_id
    left join service_levels
        on scores.model_id = service_levels.model_id and scores.grade = service_levels.lead_grade
    where
        runs.run_type in ('backtest', 'whatif')
        and scores.scope = 'scored'
        and scoring_models.outcome is not null
),

converted as (
    select distinct
        past_scores.run_id,
        past_scores.model_id,
        past_scores.entity_type,
        past_scores.entity_id
    from past_scores
    inner join outcomes
        on
            past_scores.entity_type = outcomes.entity_type
            and past_scores.entity_id = outcomes.entity_id
            and past_scores.outcome = outcomes.outcome
            and past_scores.as_of_at <= outcomes.occurred_at
            and {{ dbt.dateadd('day', var('scorehouse_backtest_horizon_days'), 'past_scores.as_of_at') }}
            > outcomes.occurred_at
),

joined as (
    select
        past_scores.run_id,
        past_scores.run_type,
        past_scores.rule_set,
        cast(past_scores.as_of_at as date) as as_of_date,
        past_scores.model_id,
        past_scores.entity_type,
        past_scores.entity_id,
        past_scores.grade,
        past_scores.total_score,
        past_scores.is_mql,
        past_scores.is_call,
        converted.entity_id is not null as is_converted
    from past_scores
    left join converted
        on
            past_scores.run_id = converted.run_id
            and past_scores.model_id = converted.model_id
            and past_scores.entity_type = converted.entity_type
            and past_scores.entity_id = converted.entity_id
)

select * from joined
