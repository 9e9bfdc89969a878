{#- The long table of scored signals: one row per run, entity, model, rule and signal
    row (a day of events, or one attribute or metric), with the occurrences counted, base
    points, age, decay factor and decayed points. Rules join to signals as data (no SQL
    per rule). A run counts only what was known before its date: days before it, known
    by then (`known_from`), for the entities the model scores then
    (`int_scoring_population`). Repeat control: `every` counts each event of the day,
    the other controls count one occurrence per repeat key, the earliest. Events age in
    whole days: every event of a day is as old as its day. -#}
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

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

engagement_signals as (
    select * from {{ ref('int_engagement_signals_unioned') }}
),

fit_signals as (
    select * from {{ ref('int_fit_signals_unpivoted') }}
),

account_metrics as (
    select * from {{ ref('int_account_metrics_dated') }}
),

known_engagement as (
    select
        runs.run_id,
        engagement_signals.entity_type,
        engagement_signals.entity_id,
        engagement_signals.signal,
        engagement_signals.signal_text,
        cast(null as {{ type_double() }}) as signal_number,
        engagement_signals.signal_key,
        engagement_signals.activity_date,
        engagement_signals.event_count,
        engagement_signals.first_occurred_at,
        engagement_signals.last_occurred_at
    from engagement_signals
    inner join runs
        on
            engagement_signals.last_occurred_at < runs.as_of_at
            and engagement_signals.known_from < runs.as_of_at
),

last_activity as (
    select
        runs.run_id,
        contacts.contact_id,
        coalesce(max(known_engagement.last_occurred_at), contacts.created_at) as last_active_at,
        runs.as_of_at
    from contacts
    inner join runs
        on contacts.created_at < runs.as_of_at
    left join known_engagement
        on
            runs.run_id = known_engagement.run_id
            and known_engagement.entity_type = 'contact'
            and contacts.contact_id = known_engagement.entity_id
            and {{ in_list('known_engagement.signal', var('activity_signals')) }}
    group by runs.run_id, contacts.contact_id, contacts.created_at, runs.as_of_at
),

inactivity as (
    select
        run_id,
        'contact' as entity_type,
        contact_id as entity_id,
        'days_inactive' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        {{ age_in_days('last_active_at', 'as_of_at') }} as signal_number,
        'inactivity' as signal_key,
        cast(last_active_at as date) as activity_date,
        1 as event_count,
        last_active_at as first_occurred_at,
        last_active_at as last_occurred_at
    from last_activity
),

{%- set metrics = [
    'arr', 'on_time_payment_pct', 'avg_days_late_365d', 'expansion_won_365d', 'expansion_rate_pct',
    'usage_trend_pct', 'active_users_30d',
    'feature_breadth_90d', 'days_since_last_login', 'latest_nps', 'tickets_90d',
    'open_escalations', 'avg_resolution_hours_180d',
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

fit as (
    select
        runs.run_id,
        fit_signals.entity_type,
        fit_signals.entity_id,
        fit_signals.signal,
        fit_signals.signal_text,
        fit_signals.signal_number,
        fit_signals.signal as signal_key,
        cast(null as date) as activity_date,
        1 as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
    from fit_signals
    cross join runs
),

signals as (
    select * from known_engagement
    union all
    select * from inactivity
    union all
    select * from metric_signals
    union all
    select * from fit
),

matched as (
    select
        signals.run_id,
        signals.entity_type,
        signals.entity_id,
        rules.model_id,
        rules.rule_id,
        rules.dimension,
        rules.category_id,
        rules.points,
        rules.decay_method,
        rules.decay_param,
        rules.decay_windows,
        rules.rule_cap,
        rules.qualifies_as,
        rules.repeat_control,
        signals.signal_key,
        signals.activity_date,
        signals.event_count,
        signals.first_occurred_at,
        signals.last_occurred_at,
        runs.as_of_at,
        case rules.repeat_control
            when 'every' then signals.signal_key
            when 'once_per_day' then cast(signals.activity_date as {{ dbt.type_string() }})
            when 'once_per_value' then signals.signal_text
            when 'once' then 'once'
        end as repeat_key
    from signals
    inner join runs
        on signals.run_id = runs.run_id
    inner join population
        on
            signals.run_id = population.run_id
            and signals.entity_type = population.entity_type
            and signals.entity_id = population.entity_id
    inner join rules
        on
            signals.signal = rules.signal
            and population.model_id = rules.model_id
            and runs.rule_set = rules.rule_set
    where
        (population.scope = 'scored' or (rules.dimension = 'fit' and rules.entity_level = 'account'))
        and (
            rules.match_operator = 'any'
            or (rules.match_operator = 'equals' and signals.signal_text = rules.match_value)
            or (
                rules.match_operator = 'contains'
                and signals.signal_text like {{ dbt.concat(["'%'", "rules.match_value", "'%'"]) }}
            )
            or (
                rules.match_operator = 'between'
                and signals.signal_number >= coalesce(rules.min_value, signals.signal_number)
                and (rules.max_value is null or signals.signal_number < rules.max_value)
            )
        )
),

counted as (
    select
        *,
        row_number() over (
            partition by run_id, entity_type, entity_id, model_id, rule_id, repeat_key
            order by first_occurred_at, signal_key
        ) as repeat_number
    from matched
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
