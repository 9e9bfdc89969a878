{#- The events a person acts on: one row per entity, model, scoring date and alert type,
    comparing each scored date with the entity's previous scored date: a lead reaching
    MQL or SQL, a grade change, a customer dropping a value tier, and a total score
    falling by `scorehouse_alert_score_drop_points` or more. Each alert says why, how many points
    moved, and its cause:
    - `behaviour` when the model's configuration (`rule_set_version`) is the same on
      both dates (or one of them is unknown: a date scored before versions were kept);
    - when it changed, the move splits in two: the configuration's, from the previous
      date as scored then to the previous date rescored under today's configuration
      (`restated_*` in score_snapshots), and behaviour's, from that to today. The
      alert is `behaviour` when behaviour's move alone raises it, else `configuration`
      (the new rules explain it). An entity whose previous date could not be rescored
      (it was not scored on the history's previous date, or not under today's rules)
      counts as `configuration` on the day its model's configuration changed. -#}
{%- set str = dbt.type_string() -%}

with

history as (
    select * from {{ ref('score_snapshots') }}
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
        restated_tiers.tier_rank as restated_tier_rank,
        lag(history.as_of_date) over entity_days as previous_as_of_date,
        lag(history.rule_set_version) over entity_days as previous_rule_set_version,
        lag(history.grade) over entity_days as previous_grade,
        lag(history.value_tier) over entity_days as previous_value_tier,
        lag(tiers.tier_rank) over entity_days as previous_tier_rank,
        lag(history.total_score) over entity_days as previous_total_score,
        lag(history.is_mql) over entity_days as was_mql,
        lag(history.is_sql) over entity_days as was_sql
    from history
    left join tiers
        on history.model_id = tiers.model_id and history.value_tier = tiers.value_tier
    left join tiers as restated_tiers
        on history.model_id = restated_tiers.model_id and history.restated_value_tier = restated_tiers.value_tier
    window entity_days as (
        partition by history.entity_type, history.entity_id, history.model_id
        order by history.as_of_date
    )
),

split as (
    select
        *,
        coalesce(previous_rule_set_version <> rule_set_version, false) as is_configuration_change,
        coalesce(restated_as_of_date = previous_as_of_date, false) as is_restated
    from sequenced
),

alerts as (
    select
        *,
        'sql_reached' as alert_type,
        'reached SQL with a total score of ' || {{ format_points('total_score') }} as reason,
        not restated_is_sql as behaviour_raises
    from split
    where is_sql and not was_sql

    union all
    select
        *,
        'mql_reached' as alert_type,
        'reached MQL with a total score of ' || {{ format_points('total_score') }} as reason,
        not restated_is_mql as behaviour_raises
    from split
    where is_mql and not was_mql

    union all
    select
        *,
        'grade_changed' as alert_type,
        'grade changed from ' || previous_grade || ' to ' || grade as reason,
        grade <> restated_grade as behaviour_raises
    from split
    where grade <> previous_grade

    union all
    select
        *,
        'tier_dropped' as alert_type,
        'value tier dropped from ' || previous_value_tier || ' to ' || value_tier as reason,
        tier_rank > restated_tier_rank as behaviour_raises
    from split
    where tier_rank > previous_tier_rank

    union all
    select
        *,
        'score_dropped' as alert_type,
        'total score fell by ' || {{ format_points('previous_total_score - total_score') }}
        || ' points since ' || cast(previous_as_of_date as {{ str }}) as reason,
        restated_total_score - total_score >= {{ var('scorehouse_alert_score_drop_points') }} as behaviour_raises
    from split
    where previous_total_score - total_score >= {{ var('scorehouse_alert_score_drop_points') }}
),

final as (
    select
        entity_type,
        entity_id,
        model_id,
        rule_set_version,
        previous_rule_set_version,
        alert_type,
        case
            when not is_configuration_change then 'behaviour'
            when is_restated and coalesce(behaviour_raises, false) then 'behaviour'
            else 'configuration'
        end as alert_cause,
        reason,
        total_score,
        previous_total_score,
        {{ round_points('total_score - previous_total_score') }} as points_moved,
        as_of_date,
        previous_as_of_date
    from alerts
)

select * from final
