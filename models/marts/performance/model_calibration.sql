{#- Is the expected conversion right? One row per rule set, model and grade seen on the
    latest backtest date: the conversion the grade had on the earlier backtest dates
    (what `expected_conversion_rate` would have predicted then) against the conversion
    observed on the latest date, which those dates never saw. A calibration chart plots
    one against the other; a well calibrated score lies on the diagonal. -#}
with

backtest as (
    select * from {{ ref('int_backtest_outcomes_joined') }}
),

latest_date as (
    select max(as_of_date) as as_of_date from backtest
),

earlier as (
    select
        backtest.rule_set,
        backtest.model_id,
        backtest.grade,
        count(*) as entities,
        count(case when backtest.is_converted then 1 end) as conversions
    from backtest
    inner join latest_date
        on backtest.as_of_date < latest_date.as_of_date
    group by backtest.rule_set, backtest.model_id, backtest.grade
),

latest as (
    select
        backtest.rule_set,
        backtest.model_id,
        backtest.grade,
        backtest.as_of_date,
        count(*) as entities,
        count(case when backtest.is_converted then 1 end) as conversions
    from backtest
    inner join latest_date
        on backtest.as_of_date = latest_date.as_of_date
    group by backtest.rule_set, backtest.model_id, backtest.grade, backtest.as_of_date
),

final as (
    select
        latest.rule_set,
        latest.model_id,
        latest.grade,
        latest.as_of_date as latest_backtest_date,
        coalesce(earlier.entities, 0) as predicted_from_entities,
        {{ round_points('1.0 * earlier.conversions / earlier.entities') }} as predicted_conversion_rate,
        latest.entities as observed_entities,
        latest.conversions as observed_conversions,
        {{ round_points('1.0 * latest.conversions / latest.entities') }} as observed_conversion_rate
    from latest
    left join earlier
        on
            latest.rule_set = earlier.rule_set
            and latest.model_id = earlier.model_id
            and latest.grade = earlier.grade
)

select * from final
