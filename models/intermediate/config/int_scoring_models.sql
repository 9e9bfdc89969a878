{#- One row per scoring model (seed `scoring_models`), with how its account scores are
    shown: `is_graded` when it has both a fit and an engagement dimension in
    `scoring_dimensions` (graded A1...D4 in account_scores), `is_health` when
    `grade_bands` gives it `total` bands (a value tier in customer_health). Read by
    account_scores, customer_health and int_scores_restated, so that all three pick the
    same models. -#}
with

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

dimensions as (
    select * from {{ ref('scoring_dimensions') }}
),

bands as (
    select * from {{ ref('grade_bands') }}
),

graded as (
    select model_id
    from dimensions
    where dimension in ('fit', 'engagement')
    group by model_id
    having count(*) = 2
),

health as (
    select distinct model_id
    from bands
    where dimension = 'total'
),

classified as (
    select
        scoring_models.model_id,
        scoring_models.entity_type,
        graded.model_id is not null as is_graded,
        health.model_id is not null as is_health
    from scoring_models
    left join graded
        on scoring_models.model_id = graded.model_id
    left join health
        on scoring_models.model_id = health.model_id
)

select * from classified
