{#- Every entity's scores per model and scoring date, with the change in total score
    over 7 and 30 days (null when that earlier date was not scored) and the version of
    the model's configuration that scored them (null for dates scored before versions
    were kept). -#}
with

snapshots as (
    select * from {{ ref('score_snapshots') }}
),

with_trends as (
    select
        current_day.entity_type,
        current_day.entity_id,
        current_day.model_id,
        current_day.rule_set_version,
        current_day.grade,
        current_day.value_tier,
        current_day.fit_score,
        current_day.engagement_score,
        current_day.total_score,
        {{ round_points('current_day.total_score - week_before.total_score') }} as total_score_change_7d,
        {{ round_points('current_day.total_score - month_before.total_score') }} as total_score_change_30d,
        current_day.is_mql,
        current_day.is_sql,
        current_day.as_of_date
    from snapshots as current_day
    left join snapshots as week_before
        on
            current_day.entity_type = week_before.entity_type
            and current_day.entity_id = week_before.entity_id
            and current_day.model_id = week_before.model_id
            and {{ dbt.dateadd('day', -7, 'current_day.as_of_date') }} = week_before.as_of_date
    left join snapshots as month_before
        on
            current_day.entity_type = month_before.entity_type
            and current_day.entity_id = month_before.entity_id
            and current_day.model_id = month_before.model_id
            and {{ dbt.dateadd('day', -30, 'current_day.as_of_date') }} = month_before.as_of_date
)

select * from with_trends
