{#- One row per contact and contact-scoring model, as of the scoring date: fit and
    engagement scores and grades, the combined grade (A1...D4), total score, lifecycle
    status and service-level due time (int_lead_scores_current), the biggest reasons
    (lead_score_breakdown) and the expected conversion: the backtest conversion of the
    lead's grade (model_performance). Each model scores the contacts of its population
    (acquisition: prospects created before the date). -#}
with

leads as (
    select * from {{ ref('int_lead_scores_current') }}
),

breakdown as (
    select * from {{ ref('lead_score_breakdown') }}
),

grade_conversion as (
    select * from {{ ref('model_performance') }}
    where rule_set = 'current'
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
        leads.contact_id,
        leads.account_id,
        leads.model_id,
        leads.rule_set_version,
        leads.fit_grade,
        leads.engagement_level,
        leads.lead_grade,
        leads.lifecycle_stage,
        top_reasons.top_reasons,
        leads.fit_score,
        leads.engagement_score,
        leads.total_score,
        leads.is_mql,
        leads.is_sql,
        grade_conversion.conversion_rate as expected_conversion_rate,
        coalesce(grade_conversion.entities, 0) as expected_conversion_entities,
        leads.sla_due_at,
        {{ personal_data('leads.full_name') }} as contact_name,
        {{ personal_data('leads.email') }} as contact_email,
        cast(leads.as_of_at as date) as scored_as_of
    from leads
    left join top_reasons
        on
            leads.contact_id = top_reasons.contact_id
            and leads.model_id = top_reasons.model_id
    left join grade_conversion
        on
            leads.model_id = grade_conversion.model_id
            and leads.lead_grade = grade_conversion.grade
)

select * from final
