{#- One row per contact and contact-scoring model, as of the scoring date: fit and
    engagement scores and grades, the combined grade (A1...D4), total score, lifecycle
    status, service-level due time, the biggest reasons, and the expected conversion:
    the backtest conversion of the lead's grade (model_performance). Each model scores
    the contacts of its population (acquisition: prospects created before the date). -#}
with

scores as (
    select * from {{ ref('int_scores_current') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

breakdown as (
    select * from {{ ref('lead_score_breakdown') }}
),

thresholds as (
    select * from {{ ref('qualification_thresholds') }}
),

service_levels as (
    select * from {{ ref('service_levels') }}
),

account_stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

grade_conversion as (
    select * from {{ ref('model_performance') }}
    where rule_set = 'current'
),

current_scores as (
    select * from scores
    where entity_type = 'contact'
),

ranked_reasons as (
    select
        contact_id,
        model_id,
        rule_description,
        capped_points,
        row_number() over (
            partition by contact_id, model_id
            order by abs(capped_points) desc, rule_id asc
        ) as reason_rank
    from breakdown
    where capped_points <> 0
),

top_reasons as (
    select
        contact_id,
        model_id,
        {{ dbt.listagg(
            dbt.concat(["rule_description", "' ('", format_points("capped_points"), "')'"]),
            "'; '",
            "order by reason_rank"
        ) }} as top_reasons
    from ranked_reasons
    where reason_rank <= {{ var('top_reasons_count') }}
    group by contact_id, model_id
),

qualified as (
    select
        current_scores.*,
        {#- A model without thresholds qualifies leads by its qualifying rules only. #}
        current_scores.qualifies_sql
        or coalesce(current_scores.total_score >= sql_threshold.min_total_score, false) as is_sql,
        current_scores.qualifies_sql
        or current_scores.qualifies_mql
        or coalesce(current_scores.total_score >= sql_threshold.min_total_score, false)
        or coalesce(current_scores.total_score >= mql_threshold.min_total_score, false) as is_mql
    from current_scores
    left join thresholds as sql_threshold
        on current_scores.model_id = sql_threshold.model_id and sql_threshold.status = 'sql'
    left join thresholds as mql_threshold
        on current_scores.model_id = mql_threshold.model_id and mql_threshold.status = 'mql'
),

final as (
    select
        qualified.entity_id as contact_id,
        contacts.account_id,
        qualified.model_id,
        qualified.fit_grade,
        qualified.engagement_level,
        qualified.grade as lead_grade,
        case
            when account_stages.is_customer then 'customer'
            when account_stages.has_open_opportunity then 'opportunity'
            when qualified.is_sql then 'sql'
            when qualified.is_mql then 'mql'
            else 'lead'
        end as lifecycle_stage,
        top_reasons.top_reasons,
        qualified.fit_score,
        qualified.engagement_score,
        qualified.total_score,
        qualified.is_mql,
        qualified.is_sql,
        grade_conversion.conversion_rate as expected_conversion_rate,
        coalesce(grade_conversion.entities, 0) as expected_conversion_entities,
        case
            when qualified.is_mql and service_levels.response_hours is not null
                then {{ dbt.dateadd(
                    'hour',
                    'cast(service_levels.response_hours as integer)',
                    'coalesce(qualified.qualifying_event_at, qualified.as_of_at)'
                ) }}
        end as sla_due_at,
        {{ personal_data('contacts.full_name') }} as contact_name,
        {{ personal_data('contacts.email') }} as contact_email,
        cast(qualified.as_of_at as date) as scored_as_of
    from qualified
    inner join contacts
        on qualified.entity_id = contacts.contact_id
    left join account_stages
        on qualified.run_id = account_stages.run_id and contacts.account_id = account_stages.account_id
    left join service_levels
        on
            qualified.model_id = service_levels.model_id
            and qualified.grade = service_levels.lead_grade
    left join top_reasons
        on
            qualified.entity_id = top_reasons.contact_id
            and qualified.model_id = top_reasons.model_id
    left join grade_conversion
        on
            qualified.model_id = grade_conversion.model_id
            and qualified.grade = grade_conversion.grade
)

select * from final
