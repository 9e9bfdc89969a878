{#- One row per rule set and model: the backtest in one line. Entities scored and
    conversions over the backtest dates, the base rate, ROC AUC of the total score
    against the outcome (macro `roc_auc`), and for a what-if candidate how many
    entity-dates get a different grade than under the current rules. -#}
with

backtest as (
    select * from {{ ref('int_backtest_outcomes_joined') }}
),

auc as (
    {{ roc_auc('backtest', ['rule_set', 'model_id'], 'total_score', 'is_converted') | indent(4) }}
),

totals as (
    select
        rule_set,
        model_id,
        count(distinct as_of_date) as backtest_dates,
        count(*) as entities,
        count(case when is_converted then 1 end) as conversions
    from backtest
    group by rule_set, model_id
),

grade_changes as (
    select
        candidate.rule_set,
        candidate.model_id,
        count(case when candidate.grade <> current_rules.grade then 1 end) as grade_changes
    from backtest as candidate
    inner join backtest as current_rules
        on
            candidate.model_id = current_rules.model_id
            and candidate.as_of_date = current_rules.as_of_date
            and candidate.entity_type = current_rules.entity_type
            and candidate.entity_id = current_rules.entity_id
            and current_rules.rule_set = 'current'
    where candidate.rule_set <> 'current'
    group by candidate.rule_set, candidate.model_id
),

final as (
    select
        totals.rule_set,
        totals.model_id,
        totals.backtest_dates,
        totals.entities,
        totals.conversions,
        {{ round_points('1.0 * totals.conversions / totals.entities') }} as base_rate,
        {{ round_points('auc.roc_auc') }} as roc_auc,
        coalesce(grade_changes.grade_changes, 0) as grade_changes
    from totals
    inner join auc
        on totals.rule_set = auc.rule_set and totals.model_id = auc.model_id
    left join grade_changes
        on totals.rule_set = grade_changes.rule_set and totals.model_id = grade_changes.model_id
)

select * from final
