{#- One row per account and graded model, as of the scoring date (current run): for
    contact models (acquisition), the roll-up of the account's contacts
    (int_account_scores_rolled_up); for account models with a fit and an engagement
    dimension (expansion, retention, adoption), the account's own scores and grade, with
    no contact counts. With the account's stage and open pipeline then
    (int_account_stages_dated). account_scores adds the buying group
    (int_account_buying_groups). -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

scores as (
    select * from {{ ref('int_scores_current') }}
),

model_kinds as (
    select * from {{ ref('int_scoring_models') }}
),

rolled_up as (
    select * from {{ ref('int_account_scores_rolled_up') }}
),

account_stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

current_run as (
    select * from runs
    where run_type = 'current'
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
        scores.entity_id as account_id,
        scores.model_id,
        scores.fit_grade,
        scores.engagement_level,
        scores.fit_score,
        scores.engagement_score,
        scores.total_score,
        cast(0 as {{ dbt.type_bigint() }}) as contact_count,
        cast(0 as {{ dbt.type_bigint() }}) as engaged_contact_count,
        cast(0 as {{ dbt.type_bigint() }}) as mql_contact_count
    from scores
    where
        scores.entity_type = 'account'
        and scores.scope = 'scored'
        and scores.model_id in (select graded_models.model_id from graded_models)
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
        unioned.fit_grade,
        unioned.engagement_level,
        case
            when account_stages.is_customer then 'customer'
            when account_stages.has_open_opportunity then 'opportunity'
            else 'prospect'
        end as account_stage,
        unioned.fit_score,
        unioned.engagement_score,
        unioned.total_score,
        unioned.contact_count,
        unioned.engaged_contact_count,
        unioned.mql_contact_count,
        account_stages.open_pipeline_amount,
        current_run.as_of_at
    from unioned
    cross join current_run
    left join account_stages
        on current_run.run_id = account_stages.run_id and unioned.account_id = account_stages.account_id
)

select * from final
