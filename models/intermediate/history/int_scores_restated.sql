{#- The previous scored date rescored under today's configuration: one row per entity
    and model of the `restated` run (macro scoring_runs adds it when a model's rule-set
    version changed since the previous date in the history; otherwise this model is
    empty), in the shape of the history, from the same intermediate models as the marts
    the history copies: contacts as in lead_scores, accounts under contact models and
    account models graded A1...D4 as in account_scores, health models as in
    customer_health. score_snapshots keeps it beside today's scores, so that
    score_alerts can tell what the change of configuration moved from what behaviour
    moved. -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
    where run_type = 'restated'
),

scores as (
    select * from {{ ref('int_scores_graded') }}
),

rolled_up as (
    select * from {{ ref('int_account_scores_rolled_up') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

metrics as (
    select * from {{ ref('int_account_metrics_dated') }}
),

model_kinds as (
    select * from {{ ref('int_scoring_models') }}
),

graded_models as (
    select model_id
    from model_kinds
    where is_graded
),

health_models as (
    select model_id
    from model_kinds
    where is_health
),

restated_scores as (
    select
        scores.*,
        cast(runs.as_of_at as date) as as_of_date
    from scores
    inner join runs
        on scores.run_id = runs.run_id
),

restated as (
    select
        'contact' as entity_type,
        restated_scores.entity_id,
        restated_scores.model_id,
        restated_scores.grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        restated_scores.total_score,
        restated_scores.is_mql,
        restated_scores.is_sql,
        restated_scores.as_of_date
    from restated_scores
    inner join contacts
        on restated_scores.entity_id = contacts.contact_id
    where restated_scores.entity_type = 'contact'

    union all

    select
        'account' as entity_type,
        rolled_up.account_id as entity_id,
        rolled_up.model_id,
        rolled_up.fit_grade || rolled_up.engagement_level as grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        rolled_up.total_score,
        false as is_mql,
        false as is_sql,
        cast(runs.as_of_at as date) as as_of_date
    from rolled_up
    inner join runs
        on rolled_up.run_id = runs.run_id

    union all

    select
        'account' as entity_type,
        restated_scores.entity_id,
        restated_scores.model_id,
        restated_scores.fit_grade || restated_scores.engagement_level as grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        restated_scores.total_score,
        false as is_mql,
        false as is_sql,
        restated_scores.as_of_date
    from restated_scores
    where
        restated_scores.entity_type = 'account'
        and restated_scores.scope = 'scored'
        and restated_scores.model_id in (select graded_models.model_id from graded_models)

    union all

    select
        'account' as entity_type,
        restated_scores.entity_id,
        restated_scores.model_id,
        cast(null as {{ dbt.type_string() }}) as grade,
        restated_scores.total_tier as value_tier,
        restated_scores.total_score,
        false as is_mql,
        false as is_sql,
        restated_scores.as_of_date
    from restated_scores
    inner join health_models
        on restated_scores.model_id = health_models.model_id
    inner join metrics
        on restated_scores.run_id = metrics.run_id and restated_scores.entity_id = metrics.account_id
    where restated_scores.entity_type = 'account' and restated_scores.scope = 'scored'
)

select * from restated
