{#- One row per contact and contact-scoring model, as of the scoring date (current run):
    the contact's scores, grades and MQL/SQL status (int_scores_current), its account, the
    version of its model's configuration (int_rule_set_versions), its lifecycle stage
    (the first that holds of customer, opportunity, SQL, MQL and lead; the account's
    stage from int_account_stages_dated) and, for an MQL whose grade has a service level
    (seed `service_levels`), when the response is due: the grade's response hours after
    the qualifying event, or after the scoring instant when the event is unknown.
    lead_scores adds the biggest reasons and the expected conversion. -#}
with

scores as (
    select * from {{ ref('int_scores_current') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

versions as (
    select * from {{ ref('int_rule_set_versions') }}
),

service_levels as (
    select * from {{ ref('service_levels') }}
),

account_stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

current_scores as (
    {#- With their MQL and SQL status (int_scores_graded). #}
    select * from scores
    where entity_type = 'contact'
),

final as (
    select
        current_scores.entity_id as contact_id,
        contacts.account_id,
        current_scores.model_id,
        versions.rule_set_version,
        current_scores.fit_grade,
        current_scores.engagement_level,
        current_scores.grade as lead_grade,
        case
            when account_stages.is_customer then 'customer'
            when account_stages.has_open_opportunity then 'opportunity'
            when current_scores.is_sql then 'sql'
            when current_scores.is_mql then 'mql'
            else 'lead'
        end as lifecycle_stage,
        current_scores.fit_score,
        current_scores.engagement_score,
        current_scores.total_score,
        current_scores.is_mql,
        current_scores.is_sql,
        case
            when current_scores.is_mql and service_levels.response_hours is not null
                then {{ dbt.dateadd(
                    'hour',
                    'cast(service_levels.response_hours as integer)',
                    'coalesce(current_scores.qualifying_event_at, current_scores.as_of_at)'
                ) }}
        end as sla_due_at,
        contacts.full_name,
        contacts.email,
        current_scores.as_of_at
    from current_scores
    inner join contacts
        on current_scores.entity_id = contacts.contact_id
    inner join versions
        on current_scores.model_id = versions.model_id
    left join account_stages
        on current_scores.run_id = account_stages.run_id and contacts.account_id = account_stages.account_id
    left join service_levels
        on
            current_scores.model_id = service_levels.model_id
            and current_scores.grade = service_levels.lead_grade
)

select * from final
