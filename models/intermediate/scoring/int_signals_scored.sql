{#- The long table of scored signals as of the scoring date: one row per entity, model,
    rule and counted signal occurrence, with base points, age, decay factor and decayed
    points. Rules join to signals as data (no SQL per rule). Only data known before the
    scoring date counts: events that occurred and were attributed before it, and entities
    created before it. Repeat control keeps one occurrence per repeat key. -#}
{%- set as_of = as_of_timestamp() -%}

with

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

step_windows as (
    select * from {{ ref('decay_step_windows') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

accounts as (
    select * from {{ ref('int_accounts_enriched') }}
),

engagement_signals as (
    select * from {{ ref('int_engagement_signals_unioned') }}
),

fit_signals as (
    select * from {{ ref('int_fit_signals_unpivoted') }}
),

entities as (
    select
        'contact' as entity_type,
        contact_id as entity_id,
        created_at
    from contacts
    where created_at < {{ as_of }}
    union all
    select
        'account' as entity_type,
        account_id as entity_id,
        created_at
    from accounts
    where created_at < {{ as_of }}
),

known_engagement as (
    select
        'contact' as entity_type,
        contact_id as entity_id,
        signal,
        signal_text,
        cast(null as {{ dbt.type_float() }}) as signal_number,
        event_id,
        occurred_at
    from engagement_signals
    where occurred_at < {{ as_of }} and attributed_at < {{ as_of }}
),

last_activity as (
    select
        entities.entity_type,
        entities.entity_id,
        coalesce(max(known_engagement.occurred_at), entities.created_at) as last_active_at
    from entities
    left join known_engagement
        on
            entities.entity_type = known_engagement.entity_type
            and entities.entity_id = known_engagement.entity_id
            and {{ in_list('known_engagement.signal', var('activity_signals')) }}
    where entities.entity_type = 'contact'
    group by entities.entity_type, entities.entity_id, entities.created_at
),

inactivity as (
    select
        entity_type,
        entity_id,
        'days_inactive' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        {{ age_in_days('last_active_at', as_of) }} as signal_number,
        'inactivity' as event_id,
        last_active_at as occurred_at
    from last_activity
),

fit as (
    select
        fit_signals.entity_type,
        fit_signals.entity_id,
        fit_signals.signal,
        fit_signals.signal_text,
        fit_signals.signal_number,
        fit_signals.signal as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as occurred_at
    from fit_signals
    inner join entities
        on
            fit_signals.entity_type = entities.entity_type
            and fit_signals.entity_id = entities.entity_id
),

signals as (
    select * from known_engagement
    union all
    select * from inactivity
    union all
    select * from fit
),

matched as (
    select
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
        signals.event_id,
        signals.occurred_at,
        case rules.repeat_control
            when 'every' then signals.event_id
            when 'once_per_day' then cast(cast(signals.occurred_at as date) as {{ dbt.type_string() }})
            when 'once_per_value' then signals.signal_text
            when 'once' then 'once'
        end as repeat_key
    from signals
    inner join rules
        on signals.signal = rules.signal
    inner join scoring_models
        on rules.model_id = scoring_models.model_id
    where
        (
            signals.entity_type = scoring_models.entity_type
            or (
                signals.entity_type = 'account'
                and scoring_models.entity_type = 'contact'
                and rules.dimension = 'fit'
                and rules.entity_level = 'account'
            )
        )
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
            partition by entity_type, entity_id, model_id, rule_id, repeat_key
            order by occurred_at, event_id
        ) as repeat_number
    from matched
),

aged as (
    select
        counted.*,
        case
            when counted.occurred_at is null then 0.0
            else {{ age_in_days('counted.occurred_at', as_of) }}
        end as age_days
    from counted
    where counted.repeat_number = 1
),

decayed as (
    select
        aged.entity_type,
        aged.entity_id,
        aged.model_id,
        aged.rule_id,
        aged.dimension,
        aged.category_id,
        aged.event_id,
        aged.occurred_at,
        aged.age_days,
        aged.rule_cap,
        aged.qualifies_as,
        aged.points as base_points,
        {{ decay_factor('aged.decay_method', 'aged.decay_param', 'aged.age_days', 'step_windows.weight') }}
            as decay_factor
    from aged
    left join step_windows
        on
            aged.decay_method = 'step'
            and aged.decay_windows = step_windows.window_set
            and aged.age_days >= step_windows.min_age_days
            and (step_windows.max_age_days is null or aged.age_days < step_windows.max_age_days)
),

scored as (
    select
        *,
        base_points * decay_factor as decayed_points
    from decayed
)

select * from scored
