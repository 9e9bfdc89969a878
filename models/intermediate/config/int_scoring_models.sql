{#- One row per scoring model (seed `scoring_models`), with how its account scores are
    shown: `is_graded` when it has both a fit and an engagement dimension in
    `scoring_dimensions` (graded A1...D4 in account_scores), `is_health` when
    `grade_bands` gives it `total` bands (a value tier in customer_health). Read by
    account_scores, customer_health and int_scores_restated, so that all three pick the
    same models. With each model's dimension weights (`scoring_dimensions`: fit and
    engagement, null when the model has no dimension) and `account_fit_weight`, the
    weight of its account-level fit categories (`scoring_categories`; null when it has
    none), which int_account_scores_rolled_up scales account fit by. -#}
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

categories as (
    select * from {{ ref('scoring_categories') }}
),

dimension_weights as (
    select
        model_id,
        max(case when dimension = 'fit' then weight_pct else 0 end) as fit_weight_pct,
        max(case when dimension = 'engagement' then weight_pct else 0 end) as engagement_weight_pct
    from dimensions
    group by model_id
),

account_fit_weights as (
    select
        model_id,
        sum(weight_pct) as account_fit_weight
    from categories
    where dimension = 'fit' and entity_level = 'account'
    group by model_id
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
        health.model_id is not null as is_health,
        dimension_weights.fit_weight_pct,
        dimension_weights.engagement_weight_pct,
        account_fit_weights.account_fit_weight
    from scoring_models
    left join graded
        on scoring_models.model_id = graded.model_id
    left join health
        on scoring_models.model_id = health.model_id
    left join dimension_weights
        on scoring_models.model_id = dimension_weights.model_id
    left join account_fit_weights
        on scoring_models.model_id = account_fit_weights.model_id
)

select * from classified
