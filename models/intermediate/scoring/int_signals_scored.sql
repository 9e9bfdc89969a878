{#- Signals scored one by one: one row per run, entity, model, rule and counted signal
    (an attribute or metric, or a day of matched events), with the occurrences counted,
    base points, age, decay factor and decayed points. It scores the attributes and
    metrics, and the behavioural matches of the rules that int_rule_matches_decayed does
    not score in one pass (repeat control `once` or `once_per_value`, or step decay).
    Rules join to signals as data (no SQL per rule): behavioural signals come already
    matched to their rules, per day, from `int_rule_matches_daily`; attributes and
    metrics are matched here. A run counts only what was known before its date: days
    before it, known by then (`known_from`), for the entities the model scores then
    (`int_scoring_population`). Repeat control: `every` counts each event of the day,
    the other controls count one occurrence per repeat key, the earliest. Events age in
    whole days: every event of a day is as old as its day. PostgreSQL runs it without
    nested loops (macro no_nested_loops_config). -#}
{{ no_nested_loops_config() }}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

population as (
    select * from {{ ref('int_scoring_population') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

step_windows as (
    select * from {{ ref('decay_step_windows') }}
),

fit_signals as (
    select * from {{ ref('int_fit_signals_unpivoted') }}
),

account_metrics as (
    select * from {{ ref('int_account_metrics_dated') }}
),

rule_matches as (
    {#- Only the matches of rules int_rule_matches_decayed does not score in one pass. #}
    select rule_matches.*
    from {{ ref('int_rule_matches_daily') }} as rule_matches
    inner join {{ ref('int_scoring_rules_checked') }} as rules
        on
            rule_matches.rule_set = rules.rule_set
            and rule_matches.model_id = rules.model_id
            and rule_matches.rule_id = rules.rule_id
    where not {{ scored_in_one_pass('rules') }}
),

contact_metrics as (
    select * from {{ ref('int_contact_metrics_dated') }}
),

inactivity as (
    select
        run_id,
        'contact' as entity_type,
        contact_id as entity_id,
        'days_inactive' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        days_inactive as signal_number,
        'inactivity' as signal_key,
        cast(last_active_at as date) as activity_date,
        1 as event_count,
        last_active_at as first_occurred_at,
        last_active_at as last_occurred_at
    from contact_metrics
),

account_activity as (
    select
        run_id,
        'contact' as entity_type,
        contact_id as entity_id,
        'account_active_days' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        account_active_days as signal_number,
        'account_active_days' as signal_key,
        cast(null as date) as activity_date,
        1 as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
    from contact_metrics
    where account_active_days is not null
),

{%- set metrics = [
    'arr', 'on_time_payment_pct', 'avg_days_late', 'expansions_won', 'expansion_rate_pct',
    'usage_trend_pct', 'active_users',
    'feature_breadth', 'days_since_last_login', 'latest_nps', 'tickets_in_window',
    'open_escalations', 'avg_resolution_hours',
] %}

metric_signals as (
    {%- for metric in metrics %}
        select
            run_id,
            'account' as entity_type,
            account_id as entity_id,
            '{{ metric }}' as signal,
            cast(null as {{ dbt.type_string() }}) as signal_text,
            cast({{ metric }} as {{ type_double() }}) as signal_number,
            '{{ metric }}' as signal_key,
            cast(null as date) as activity_date,
            1 as event_count,
            cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
            cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
        from account_metrics
        where {{ metric }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

run_signals as (
    select * from inactivity
    union all
    select * from account_activity
    union all
    select * from metric_signals
),

{%- set rule_columns = [
    'model_id', 'rule_id', 'dimension', 'category_id', 'points', 'decay_method', 'decay_param',
    'decay_windows', 'rule_cap', 'qualifies_as', 'repeat_control',
] %}

fit_matched as (
    {#- Attributes are matched to the rules once; each run then reads the values in
        effect at its date (`valid_from` before it, `valid_to` not), like events known
        before it. #}
    select
        rules.rule_set,
        {%- for column in rule_columns %}
            rules.{{ column }},
        {%- endfor %}
        rules.entity_level,
        fit_signals.entity_type,
        fit_signals.entity_id,
        fit_signals.signal as signal_key,
        fit_signals.event_count,
        fit_signals.valid_from,
        fit_signals.valid_to,
        {{ repeat_key('rules.repeat_control', 'fit_signals.signal', 'cast(null as date)', 'fit_signals.signal_text') }}
            as repeat_key
    from fit_signals
    inner join rules
        on fit_signals.signal = rules.signal
    where {{ rule_matches_signal('rules', 'fit_signals') }}
),

matched_fit as (
    select
        runs.run_id,
        fit_matched.entity_type,
        fit_matched.entity_id,
        {%- for column in rule_columns %}
            fit_matched.{{ column }},
        {%- endfor %}
        fit_matched.signal_key,
        cast(null as date) as activity_date,
        fit_matched.event_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at,
        runs.as_of_at,
        fit_matched.repeat_key,
        case when fit_matched.repeat_control = 'every' then 'none' else 'window' end as repeat_ranking,
        cast(null as {{ dbt.type_timestamp() }}) as earlier_known_from
    from fit_matched
    inner join runs
        on
            fit_matched.rule_set = runs.rule_set
            and (fit_matched.valid_from is null or fit_matched.valid_from < runs.as_of_at)
            and (fit_matched.valid_to is null or fit_matched.valid_to >= runs.as_of_at)
    inner join population
        on
            runs.run_id = population.run_id
            and fit_matched.model_id = population.model_id
            and fit_matched.entity_type = population.entity_type
            and fit_matched.entity_id = population.entity_id
    where
        population.scope = 'scored' or (fit_matched.dimension = 'fit' and fit_matched.entity_level = 'account')
),

matched_run_signals as (
    select
        run_signals.run_id,
        run_signals.entity_type,
        run_signals.entity_id,
        {%- for column in rule_columns %}
            rules.{{ column }},
        {%- endfor %}
        run_signals.signal_key,
        run_signals.activity_date,
        run_signals.event_count,
        run_signals.first_occurred_at,
        run_signals.last_occurred_at,
        runs.as_of_at,
        {{ repeat_key(
            'rules.repeat_control', 'run_signals.signal_key', 'run_signals.activity_date', 'run_signals.signal_text'
        ) }} as repeat_key,
        case when rules.repeat_control = 'every' then 'none' else 'window' end as repeat_ranking,
        cast(null as {{ dbt.type_timestamp() }}) as earlier_known_from
    from run_signals
    inner join runs
        on run_signals.run_id = runs.run_id
    inner join population
        on
            run_signals.run_id = population.run_id
            and run_signals.entity_type = population.entity_type
            and run_signals.entity_id = population.entity_id
    inner join rules
        on
            run_signals.signal = rules.signal
            and population.model_id = rules.model_id
            and runs.rule_set = rules.rule_set
    where
        (population.scope = 'scored' or (rules.dimension = 'fit' and rules.entity_level = 'account'))
        and {{ rule_matches_signal('rules', 'run_signals') }}
),

matched_engagement as (
    {#- A row of int_rule_matches_daily stands for the day's matched signals with one
        `known_from`: an `every` rule counts all its events; the other controls count
        its leading (earliest) signal, as they would reading the signals one by one. #}
    select
        runs.run_id,
        rule_matches.entity_type,
        rule_matches.entity_id,
        {%- for column in rule_columns %}
            rules.{{ column }},
        {%- endfor %}
        rule_matches.lead_signal_key as signal_key,
        rule_matches.activity_date,
        rule_matches.event_count,
        rule_matches.first_occurred_at,
        case
            when rules.repeat_control = 'every' then rule_matches.last_occurred_at
            else rule_matches.lead_last_occurred_at
        end as last_occurred_at,
        runs.as_of_at,
        {{ repeat_key(
            'rules.repeat_control', 'rule_matches.lead_signal_key', 'rule_matches.activity_date',
            'rule_matches.repeat_value',
        ) }} as repeat_key,
        case rules.repeat_control
            when 'every' then 'none'
            when 'once_per_day' then 'by_day'
            else 'window'
        end as repeat_ranking,
        rule_matches.earlier_known_from
    from rule_matches
    inner join runs
        on
            rule_matches.rule_set = runs.rule_set
            and rule_matches.last_occurred_at < runs.as_of_at
            and rule_matches.known_from < runs.as_of_at
    inner join population
        on
            runs.run_id = population.run_id
            and rule_matches.model_id = population.model_id
            and rule_matches.entity_type = population.entity_type
            and rule_matches.entity_id = population.entity_id
    inner join rules
        on
            rule_matches.rule_set = rules.rule_set
            and rule_matches.model_id = rules.model_id
            and rule_matches.rule_id = rules.rule_id
    where population.scope = 'scored' or (rules.dimension = 'fit' and rules.entity_level = 'account')
),

matched as (
    select * from matched_fit
    union all
    select * from matched_run_signals
    union all
    select * from matched_engagement
),

counted as (
    {#- Repeat control keeps the first signal per repeat key (`repeat_number = 1`).
        An `every` rule's signals are each their own key. A behavioural `once_per_day`
        row is first when no earlier row of its day is known to the run
        (`earlier_known_from`, from int_rule_matches_daily). The rest are ranked here. #}
    select
        *,
        1 as repeat_number
    from matched
    where repeat_ranking = 'none'

    union all

    select
        *,
        case when earlier_known_from is null or earlier_known_from >= as_of_at then 1 else 2 end as repeat_number
    from matched
    where repeat_ranking = 'by_day'

    union all

    select
        *,
        row_number() over (
            partition by run_id, entity_type, entity_id, model_id, rule_id, repeat_key
            order by first_occurred_at, signal_key
        ) as repeat_number
    from matched
    where repeat_ranking = 'window'
),

aged as (
    select
        *,
        case when repeat_control = 'every' then event_count else 1 end as occurrences,
        case
            when activity_date is null then 0.0
            else {{ age_in_days('cast(activity_date as ' ~ dbt.type_timestamp() ~ ')', 'as_of_at') }}
        end as age_days
    from counted
    where repeat_number = 1
),

decayed as (
    select
        aged.run_id,
        aged.entity_type,
        aged.entity_id,
        aged.model_id,
        aged.rule_id,
        aged.dimension,
        aged.category_id,
        aged.signal_key,
        aged.activity_date,
        aged.first_occurred_at,
        aged.last_occurred_at,
        aged.age_days,
        aged.rule_cap,
        aged.qualifies_as,
        aged.occurrences,
        aged.points * aged.occurrences as base_points,
        {{ decay_factor('aged.decay_method', 'aged.decay_param', 'aged.age_days', 'step_windows.weight') }}
            as decay_factor
    from aged
    left join step_windows
        on {{ in_step_window('aged.decay_method', 'aged.decay_windows', 'aged.age_days', 'step_windows') }}
),

scored as (
    select
        *,
        base_points * decay_factor as decayed_points
    from decayed
)

select * from scored
