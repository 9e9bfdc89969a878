{#- Does the score predict the outcome? One row per rule set (`current`, or the what-if
    candidate), model and grade, pooled over the backtest dates: entities scored, how
    many converted (the model's outcome within the horizon after each date), the
    conversion rate, its lift over the model's base rate, and the share of all
    conversions the grade captured. -#}
with

backtest as (
    select * from {{ ref('int_backtest_outcomes_joined') }}
),

by_grade as (
    select
        rule_set,
        model_id,
        grade,
        count(*) as entities,
        count(case when is_converted then 1 end) as conversions
    from backtest
    group by rule_set, model_id, grade
),

by_model as (
    select
        rule_set,
        model_id,
        sum(entities) as model_entities,
        sum(conversions) as model_conversions
    from by_grade
    group by rule_set, model_id
),

final as (
    select
        by_grade.rule_set,
        by_grade.model_id,
        by_grade.grade,
        by_grade.entities,
        by_grade.conversions,
        {{ round_points('1.0 * by_grade.conversions / by_grade.entities') }} as conversion_rate,
        case
            when by_model.model_conversions > 0
                then {{ round_points(
                    '(1.0 * by_grade.conversions / by_grade.entities)'
                    ~ ' / (1.0 * by_model.model_conversions / by_model.model_entities)'
                ) }}
        end as lift,
        case
            when by_model.model_conversions > 0
                then {{ round_points('1.0 * by_grade.conversions / by_model.model_conversions') }}
        end as share_of_conversions
    from by_grade
    inner join by_model
        on by_grade.rule_set = by_model.rule_set and by_grade.model_id = by_model.model_id
)

select * from final
