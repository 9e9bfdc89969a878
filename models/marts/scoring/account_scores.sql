{#- One row per account and scoring model, as of the scoring date. For contact models
    (acquisition): account fit from firmographics, engagement rolled up from the
    account's contacts (max, sum or average of the top N, by var), buying-group coverage
    and the combined grade. For account models with a fit and an engagement dimension
    (expansion, retention, adoption): the customer's own scores and grade, with the
    expected conversion: the backtest conversion of the grade (model_performance; account
    models only, since contact models are backtested on contacts). The scores and stage
    come from int_account_scores_current, the buying group from int_account_buying_groups;
    each row carries the version of its model's configuration (int_rule_set_versions). -#}
with

account_scores as (
    select * from {{ ref('int_account_scores_current') }}
),

buying_groups as (
    select * from {{ ref('int_account_buying_groups') }}
),

versions as (
    select * from {{ ref('int_rule_set_versions') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

grade_conversion as (
    {#- The backtest of account models only: a contact model's grades are backtested on
        contacts, whose conversion is not an account's. #}
    select model_performance.*
    from {{ ref('model_performance') }} as model_performance
    inner join scoring_models
        on model_performance.model_id = scoring_models.model_id
    where model_performance.rule_set = 'current' and scoring_models.entity_type = 'account'
),

final as (
    select
        account_scores.account_id,
        account_scores.model_id,
        versions.rule_set_version,
        account_scores.fit_grade,
        account_scores.engagement_level,
        account_scores.fit_grade || account_scores.engagement_level as account_grade,
        account_scores.account_stage,
        buying_groups.engaged_seniorities,
        buying_groups.engaged_departments,
        account_scores.fit_score,
        account_scores.engagement_score,
        account_scores.total_score,
        account_scores.contact_count,
        account_scores.engaged_contact_count,
        account_scores.mql_contact_count,
        account_scores.open_pipeline_amount,
        grade_conversion.conversion_rate as expected_conversion_rate,
        coalesce(grade_conversion.entities, 0) as expected_conversion_entities,
        cast(account_scores.as_of_at as date) as scored_as_of
    from account_scores
    inner join versions
        on account_scores.model_id = versions.model_id
    left join buying_groups
        on account_scores.account_id = buying_groups.account_id and account_scores.model_id = buying_groups.model_id
    left join grade_conversion
        on
            account_scores.model_id = grade_conversion.model_id
            and account_scores.fit_grade || account_scores.engagement_level = grade_conversion.grade
)

select * from final
