{#- One row per rule set and model: the backtest in one line. Entities scored and
    conversions over the backtest dates, the base rate, ROC AUC of the total score
    against the outcome (macro `roc_auc`), pooled and on the latest backtest date alone
    (out of time for a candidate `scorehouse calibrate` trained on the older dates),
    whether conversion falls from fit grade A to D and from engagement level 1 to 4, and
    for a what-if candidate how many
    entity-dates get a different grade than under the current rules. The volume effect:
    MQLs per backtest date (averaged over the dates), and new MQLs and new calls (MQLs
    whose grade has a service level) per day: entities that became so between
    consecutive backtest dates, over the days from the first date to the last, as
    `scorehouse calibrate` reports them. `attribute_history`
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
        count(case when is_converted then 1 end) as conversions,
        count(case when is_mql then 1 end) as mqls,
        min(as_of_date) as first_date,
        max(as_of_date) as last_date
    from backtest
    group by rule_set, model_id
),

backtest_dates as (
    select distinct
        rule_set,
        model_id,
        as_of_date
    from backtest
),

date_steps as (
    {#- Each backtest date of a rule set and model with the one before it. #}
    select
        rule_set,
        model_id,
        as_of_date,
        lag(as_of_date) over (partition by rule_set, model_id order by as_of_date) as previous_as_of_date
    from backtest_dates
),

entity_steps as (
    {#- Each entity's backtest rows, with what its row on its previous date said: a window
        over the entity's dates, not a join of the backtest to itself, which PostgreSQL
        planned as a merge on the rule set and model alone (minutes at 10M events). #}
    select
        rule_set,
        model_id,
        as_of_date,
        is_mql,
        is_call,
        lag(as_of_date) over entity_dates as earlier_as_of_date,
        lag(is_mql) over entity_dates as earlier_is_mql,
        lag(is_call) over entity_dates as earlier_is_call
    from backtest
    window entity_dates as (partition by rule_set, model_id, entity_type, entity_id order by as_of_date)
),

newly_qualified as (
    {#- Entities that are MQL (due a call) on a backtest date and were not on the one
        before it, or were not scored then. #}
    select
        later.rule_set,
        later.model_id,
        count(
            case
                when
                    later.is_mql
                    and not coalesce(
                        later.earlier_as_of_date = date_steps.previous_as_of_date and later.earlier_is_mql, false
                    )
                    then 1
            end
        ) as new_mqls,
        count(
            case
                when
                    later.is_call
                    and not coalesce(
                        later.earlier_as_of_date = date_steps.previous_as_of_date and later.earlier_is_call, false
                    )
                    then 1
            end
        ) as new_calls
    from entity_steps as later
    inner join date_steps
        on
            later.rule_set = date_steps.rule_set
            and later.model_id = date_steps.model_id
            and later.as_of_date = date_steps.as_of_date
    where date_steps.previous_as_of_date is not null
    group by later.rule_set, later.model_id
),

volume as (
    {#- The volume effect of the rules: MQLs per backtest date, and new MQLs and new
        calls per day between the first and the last date (null with one date), as
        `scorehouse calibrate` reports them. #}
    select
        totals.rule_set,
        totals.model_id,
        1.0 * totals.mqls / totals.backtest_dates as mqls_per_date,
        case
            when totals.last_date > totals.first_date
                then 1.0 * coalesce(newly_qualified.new_mqls, 0)
                    / {{ dbt.datediff('totals.first_date', 'totals.last_date', 'day') }}
        end as new_mqls_per_day,
        case
            when totals.last_date > totals.first_date
                then 1.0 * coalesce(newly_qualified.new_calls, 0)
                    / {{ dbt.datediff('totals.first_date', 'totals.last_date', 'day') }}
        end as new_calls_per_day
    from totals
    left join newly_qualified
        on totals.rule_set = newly_qualified.rule_set and totals.model_id = newly_qualified.model_id
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
        {{ round_points('volume.mqls_per_date') }} as mqls_per_date,
        {{ round_points('volume.new_mqls_per_day') }} as new_mqls_per_day,
        {{ round_points('volume.new_calls_per_day') }} as new_calls_per_day,
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
    inner join volume
        on totals.rule_set = volume.rule_set and totals.model_id = volume.model_id
    left join attribute_history
        on totals.rule_set = attribute_history.rule_set and totals.model_id = attribute_history.model_id
)

select * from final
