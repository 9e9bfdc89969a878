{#- One row per contact and scoring model: fit and engagement scores and grades, the
    combined grade (A1...D4), total score, lifecycle status, service-level due time and
    the main reasons, as of the scoring date. -#}
{%- set as_of = as_of_timestamp() -%}

with

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

breakdown as (
    select * from {{ ref('lead_score_breakdown') }}
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

bands as (
    select * from {{ ref('grade_bands') }}
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

scored_contacts as (
    select
        contacts.contact_id,
        contacts.account_id,
        scoring_models.model_id,
        scoring_models.fit_weight_pct
    from contacts
    cross join scoring_models
    where scoring_models.entity_type = 'contact' and contacts.created_at < {{ as_of }}
),

dimension_scores as (
    select
        contact_id,
        model_id,
        {{ round_points("sum(case when dimension = 'fit' then capped_points else 0 end)") }} as fit_score,
        {{ round_points("sum(case when dimension = 'engagement' then capped_points else 0 end)") }}
            as engagement_score
    from breakdown
    group by contact_id, model_id
),

qualifications as (
    select
        entity_id as contact_id,
        model_id,
        max(case when qualifies_as = 'sql' then 1 else 0 end) as qualifies_sql,
        max(case when qualifies_as is not null then 1 else 0 end) as qualifies_mql,
        min(qualifying_event_at) as qualifying_event_at
    from rule_points
    where entity_type = 'contact' and qualifying_event_at is not null
    group by entity_id, model_id
),

ranked_reasons as (
    select
        contact_id,
        model_id,
        rule_description,
        capped_points,
        row_number() over (
            partition by contact_id, model_id
            order by abs(capped_points) desc, rule_id
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

totals as (
    select
        scored_contacts.contact_id,
        scored_contacts.account_id,
        scored_contacts.model_id,
        coalesce(dimension_scores.fit_score, 0) as fit_score,
        coalesce(dimension_scores.engagement_score, 0) as engagement_score,
        {{ round_points('''(
            coalesce(dimension_scores.fit_score, 0) * scored_contacts.fit_weight_pct
            + coalesce(dimension_scores.engagement_score, 0) * (100 - scored_contacts.fit_weight_pct)
        ) / 100.0''') }} as total_score,
        coalesce(qualifications.qualifies_mql, 0) = 1 as qualifies_mql,
        coalesce(qualifications.qualifies_sql, 0) = 1 as qualifies_sql,
        qualifications.qualifying_event_at
    from scored_contacts
    left join dimension_scores
        on
            scored_contacts.contact_id = dimension_scores.contact_id
            and scored_contacts.model_id = dimension_scores.model_id
    left join qualifications
        on
            scored_contacts.contact_id = qualifications.contact_id
            and scored_contacts.model_id = qualifications.model_id
),

graded as (
    select
        totals.*,
        fit_band.grade as fit_grade,
        engagement_band.grade as engagement_level,
        fit_band.grade || engagement_band.grade as lead_grade,
        totals.qualifies_sql or totals.total_score >= sql_threshold.min_total_score as is_sql
    from totals
    left join bands as fit_band
        on
            totals.model_id = fit_band.model_id
            and fit_band.dimension = 'fit'
            and {{ in_band('totals.fit_score', 'fit_band') }}
    left join bands as engagement_band
        on
            totals.model_id = engagement_band.model_id
            and engagement_band.dimension = 'engagement'
            and {{ in_band('totals.engagement_score', 'engagement_band') }}
    left join thresholds as sql_threshold
        on totals.model_id = sql_threshold.model_id and sql_threshold.status = 'sql'
),

qualified as (
    select
        graded.*,
        graded.is_sql
        or graded.qualifies_mql
        or graded.total_score >= mql_threshold.min_total_score as is_mql
    from graded
    left join thresholds as mql_threshold
        on graded.model_id = mql_threshold.model_id and mql_threshold.status = 'mql'
),

final as (
    select
        qualified.contact_id,
        qualified.account_id,
        qualified.model_id,
        qualified.fit_grade,
        qualified.engagement_level,
        qualified.lead_grade,
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
        case
            when qualified.is_mql and service_levels.response_hours is not null
                then {{ dbt.dateadd(
                    'hour',
                    'cast(service_levels.response_hours as integer)',
                    'coalesce(qualified.qualifying_event_at, ' ~ as_of ~ ')'
                ) }}
        end as sla_due_at,
        cast({{ as_of }} as date) as scored_as_of
    from qualified
    left join account_stages
        on qualified.account_id = account_stages.account_id
    left join service_levels
        on
            qualified.model_id = service_levels.model_id
            and qualified.lead_grade = service_levels.lead_grade
    left join top_reasons
        on
            qualified.contact_id = top_reasons.contact_id
            and qualified.model_id = top_reasons.model_id
)

select * from final
