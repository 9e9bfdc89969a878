{#- The events a person acts on: one row per entity, model, scoring date and alert type,
    comparing each scored date with the entity's previous scored date: a lead reaching
    MQL or SQL, a grade change, a customer dropping a value tier, and a total score
    falling by `alert_score_drop_points` or more. Each alert says why and how many
    points moved. -#}
{%- set str = dbt.type_string() -%}

with

history as (
    select * from {{ ref('score_history') }}
),

tiers as (
    select
        model_id,
        grade as value_tier,
        row_number() over (partition by model_id order by coalesce(min_score, -1e300) desc) as tier_rank
    from {{ ref('grade_bands') }}
    where dimension = 'total'
),

sequenced as (
    select
        history.*,
        tiers.tier_rank,
        lag(history.as_of_date) over entity_days as previous_as_of_date,
        lag(history.grade) over entity_days as previous_grade,
        lag(history.value_tier) over entity_days as previous_value_tier,
        lag(tiers.tier_rank) over entity_days as previous_tier_rank,
        lag(history.total_score) over entity_days as previous_total_score,
        lag(history.is_mql) over entity_days as was_mql,
        lag(history.is_sql) over entity_days as was_sql
    from history
    left join tiers
        on history.model_id = tiers.model_id and history.value_tier = tiers.value_tier
    window entity_days as (
        partition by history.entity_type, history.entity_id, history.model_id
        order by history.as_of_date
    )
),

alerts as (
    select
        *,
        'sql_reached' as alert_type,
        'reached SQL with a total score of ' || {{ format_points('total_score') }} as reason
    from sequenced
    where is_sql and not was_sql

    union all
    select
        *,
        'mql_reached' as alert_type,
        'reached MQL with a total score of ' || {{ format_points('total_score') }} as reason
    from sequenced
    where is_mql and not was_mql

    union all
    select
        *,
        'grade_changed' as alert_type,
        'grade changed from ' || previous_grade || ' to ' || grade as reason
    from sequenced
    where grade <> previous_grade

    union all
    select
        *,
        'tier_dropped' as alert_type,
        'value tier dropped from ' || previous_value_tier || ' to ' || value_tier as reason
    from sequenced
    where tier_rank > previous_tier_rank

    union all
    select
        *,
        'score_dropped' as alert_type,
        'total score fell by ' || {{ format_points('previous_total_score - total_score') }}
        || ' points since ' || cast(previous_as_of_date as {{ str }}) as reason
    from sequenced
    where previous_total_score - total_score >= {{ var('alert_score_drop_points') }}
),

final as (
    select
        entity_type,
        entity_id,
        model_id,
        alert_type,
        reason,
        total_score,
        previous_total_score,
        {{ round_points('total_score - previous_total_score') }} as points_moved,
        as_of_date,
        previous_as_of_date
    from alerts
)

select * from final
