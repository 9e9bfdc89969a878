{#- One row per rule set and model: the backtest in one line. Entities scored and
    conversions over the backtest dates, the base rate, ROC AUC of the total score
    against the outcome (macro `roc_auc`), pooled and on the latest backtest date alone
    (out of time for a candidate `scorehouse calibrate` trained on the older dates),
    whether conversion falls from fit grade A to D and from engagement level 1 to 4, and
    for a what-if candidate how many
    entity-dates get a different grade than under the current rules. `attribute_history`
    says whether the backtest read the attribute values known at each date: only custom
    fields dated by the CRM have a history; the other attributes are today's values,
    read into every past date. -#}
with

backtest as (
    select * from {{ ref('int_backtest_outcomes_joined') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

fit_signals as (
    select * from {{ ref('int_fit_signals_unpivoted') }}
),

attribute_values as (
    select
        signal,
        count(*) as attribute_values,
        count(case when not is_dated then 1 end) as undated_values
    from fit_signals
    group by signal
),

rule_signals as (
    select distinct
        rule_set,
        model_id,
        signal
    from rules
),

attribute_history as (
    {#- The values of the attributes a model's rules read, dated or not. #}
    select
        rule_signals.rule_set,
        rule_signals.model_id,
        sum(attribute_values.attribute_values) as attribute_values,
        sum(attribute_values.undated_values) as undated_values
    from rule_signals
    inner join attribute_values
        on rule_signals.signal = attribute_values.signal
    group by rule_signals.rule_set, rule_signals.model_id
),

auc as (
    {{ roc_auc('backtest', ['rule_set', 'model_id'], 'total_score', 'is_converted') | indent(4) }}
),

latest_date as (
    select max(as_of_date) as as_of_date from backtest
),

latest_backtest as (
    select backtest.*
    from backtest
    inner join latest_date
        on backtest.as_of_date = latest_date.as_of_date
),

latest_auc as (
    {{ roc_auc('latest_backtest', ['rule_set', 'model_id'], 'total_score', 'is_converted') | indent(4) }}
),

band_rates as (
    {#- Conversion per fit grade (the grade's letter) and per engagement level (its
        digit), for models graded A1...D4. #}
    {%- set graded = [('fit', 1, ['A', 'B', 'C', 'D']), ('engagement', 2, ['1', '2', '3', '4'])] %}
    {%- for dimension, position, bands in graded %}
        select
            rule_set,
            model_id,
            '{{ dimension }}' as dimension,
            substr(grade, {{ position }}, 1) as band,
            1.0 * count(case when is_converted then 1 end) / count(*) as conversion_rate
        from backtest
        where
            length(grade) = 2
            and {{ in_list('substr(grade, ' ~ position ~ ', 1)', bands) }}
        group by rule_set, model_id, substr(grade, {{ position }}, 1)
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

band_steps as (
    select
        *,
        lag(conversion_rate) over (partition by rule_set, model_id, dimension order by band) as better_band_rate
    from band_rates
),

monotone as (
    {#- A band converting more than the band above it breaks the order. #}
    select
        rule_set,
        model_id,
        count(case when dimension = 'fit' and conversion_rate > better_band_rate then 1 end) = 0
            as fit_grades_monotone,
        count(case when dimension = 'engagement' and conversion_rate > better_band_rate then 1 end) = 0
            as engagement_levels_monotone
    from band_steps
    group by rule_set, model_id
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
        {{ round_points('latest_auc.roc_auc') }} as roc_auc_latest_date,
        monotone.fit_grades_monotone,
        monotone.engagement_levels_monotone,
        coalesce(grade_changes.grade_changes, 0) as grade_changes,
        case
            when attribute_history.attribute_values is null then 'not_used'
            when attribute_history.undated_values = 0 then 'complete'
            when attribute_history.undated_values = attribute_history.attribute_values then 'none'
            else 'partial'
        end as attribute_history
    from totals
    inner join auc
        on totals.rule_set = auc.rule_set and totals.model_id = auc.model_id
    left join latest_auc
        on totals.rule_set = latest_auc.rule_set and totals.model_id = latest_auc.model_id
    left join monotone
        on totals.rule_set = monotone.rule_set and totals.model_id = monotone.model_id
    left join grade_changes
        on totals.rule_set = grade_changes.rule_set and totals.model_id = grade_changes.model_id
    left join attribute_history
        on totals.rule_set = attribute_history.rule_set and totals.model_id = attribute_history.model_id
)

select * from final
