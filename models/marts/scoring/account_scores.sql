{#- One row per account and scoring model, as of the scoring date. For contact models
    (acquisition): account fit from firmographics, engagement rolled up from the
    account's contacts (max, sum or average of the top N, by var), buying-group coverage
    and the combined grade. For account models with a fit and an engagement dimension
    (expansion, retention, adoption): the customer's own scores and grade, with the
    expected conversion: the backtest conversion of the grade (model_performance; account
    models only, since contact models are backtested on contacts). The contact models'
    roll-up is int_account_scores_rolled_up's current run. Each row carries the version
    of its model's configuration (int_rule_set_versions). -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

scores as (
    select * from {{ ref('int_scores_current') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

model_kinds as (
    select * from {{ ref('int_scoring_models') }}
),

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

rolled_up as (
    select * from {{ ref('int_account_scores_rolled_up') }}
),

versions as (
    select * from {{ ref('int_rule_set_versions') }}
),

account_stages as (
    select * from {{ ref('int_account_stages_dated') }}
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

current_run as (
    select * from runs
    where run_type = 'current'
),

current_scores as (
    select * from scores
    where entity_type = 'account'
),

contact_engagement as (
    select
        lead_scores.account_id,
        lead_scores.model_id,
        lead_scores.contact_id,
        lead_scores.engagement_score,
        contacts.seniority,
        contacts.department
    from lead_scores
    inner join contacts
        on lead_scores.contact_id = contacts.contact_id
    where lead_scores.account_id is not null
),

buying_group_seniorities as (
    select distinct
        account_id,
        model_id,
        seniority
    from contact_engagement
    where engagement_score >= {{ var('scorehouse_buying_group_min_engagement') }} and seniority is not null
),

buying_group_departments as (
    select distinct
        account_id,
        model_id,
        department
    from contact_engagement
    where engagement_score >= {{ var('scorehouse_buying_group_min_engagement') }} and department is not null
),

seniority_coverage as (
    select
        account_id,
        model_id,
        {{ dbt.listagg('seniority', "', '", 'order by seniority') }} as engaged_seniorities
    from buying_group_seniorities
    group by account_id, model_id
),

department_coverage as (
    select
        account_id,
        model_id,
        {{ dbt.listagg('department', "', '", 'order by department') }} as engaged_departments
    from buying_group_departments
    group by account_id, model_id
),

rolled_up_graded as (
    select
        rolled_up.account_id,
        rolled_up.model_id,
        rolled_up.fit_grade,
        rolled_up.engagement_level,
        rolled_up.fit_score,
        rolled_up.engagement_score,
        rolled_up.total_score,
        rolled_up.contact_count,
        rolled_up.engaged_contact_count,
        rolled_up.mql_contact_count
    from rolled_up
    inner join current_run
        on rolled_up.run_id = current_run.run_id
),

graded_models as (
    select model_id
    from model_kinds
    where is_graded
),

account_models_graded as (
    select
        current_scores.entity_id as account_id,
        current_scores.model_id,
        current_scores.fit_grade,
        current_scores.engagement_level,
        current_scores.fit_score,
        current_scores.engagement_score,
        current_scores.total_score,
        cast(0 as bigint) as contact_count,
        cast(0 as bigint) as engaged_contact_count,
        cast(0 as bigint) as mql_contact_count
    from current_scores
    where
        current_scores.scope = 'scored'
        and current_scores.model_id in (select graded_models.model_id from graded_models)
),

unioned as (
    select * from rolled_up_graded
    union all
    select * from account_models_graded
),

final as (
    select
        unioned.account_id,
        unioned.model_id,
        versions.rule_set_version,
        unioned.fit_grade,
        unioned.engagement_level,
        unioned.fit_grade || unioned.engagement_level as account_grade,
        case
            when account_stages.is_customer then 'customer'
            when account_stages.has_open_opportunity then 'opportunity'
            else 'prospect'
        end as account_stage,
        seniority_coverage.engaged_seniorities,
        department_coverage.engaged_departments,
        unioned.fit_score,
        unioned.engagement_score,
        unioned.total_score,
        unioned.contact_count,
        unioned.engaged_contact_count,
        unioned.mql_contact_count,
        account_stages.open_pipeline_amount,
        grade_conversion.conversion_rate as expected_conversion_rate,
        coalesce(grade_conversion.entities, 0) as expected_conversion_entities,
        cast(current_run.as_of_at as date) as scored_as_of
    from unioned
    cross join current_run
    inner join versions
        on unioned.model_id = versions.model_id
    left join account_stages
        on current_run.run_id = account_stages.run_id and unioned.account_id = account_stages.account_id
    left join seniority_coverage
        on
            unioned.account_id = seniority_coverage.account_id
            and unioned.model_id = seniority_coverage.model_id
    left join department_coverage
        on
            unioned.account_id = department_coverage.account_id
            and unioned.model_id = department_coverage.model_id
    left join grade_conversion
        on
            unioned.model_id = grade_conversion.model_id
            and unioned.fit_grade || unioned.engagement_level = grade_conversion.grade
)

select * from final
