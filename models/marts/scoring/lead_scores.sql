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

versions as (
    select * from {{ ref('int_rule_set_versions') }}
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
    {#- With their MQL and SQL status (int_scores_graded). #}
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
    where reason_rank <= {{ var('scorehouse_top_reasons_count') }}
    group by contact_id, model_id
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
        top_reasons.top_reasons,
        current_scores.fit_score,
        current_scores.engagement_score,
        current_scores.total_score,
        current_scores.is_mql,
        current_scores.is_sql,
        grade_conversion.conversion_rate as expected_conversion_rate,
        coalesce(grade_conversion.entities, 0) as expected_conversion_entities,
        case
            when current_scores.is_mql and service_levels.response_hours is not null
                then {{ dbt.dateadd(
                    'hour',
                    'cast(service_levels.response_hours as integer)',
                    'coalesce(current_scores.qualifying_event_at, current_scores.as_of_at)'
                ) }}
        end as sla_due_at,
        {{ personal_data('contacts.full_name') }} as contact_name,
        {{ personal_data('contacts.email') }} as contact_email,
        cast(current_scores.as_of_at as date) as scored_as_of
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
    left join top_reasons
        on
            current_scores.entity_id = top_reasons.contact_id
            and current_scores.model_id = top_reasons.model_id
    left join grade_conversion
        on
            current_scores.model_id = grade_conversion.model_id
            and current_scores.grade = grade_conversion.grade
)

select * from final
