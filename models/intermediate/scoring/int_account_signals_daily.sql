{#- Every behavioural signal of an account, one row per account, signal, signal text, day
    and `known_from`, counting that day's events: its contacts' page views (from
    int_contact_signals_daily, so stitched anonymous views count from when they could be
    tied to the contact) and its product usage events (`product_event`, and
    `feature_used` when the event names a feature). -#}
with

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

contact_signals as (
    select * from {{ ref('int_contact_signals_daily') }}
),

usage_events_daily as (
    select * from {{ ref('int_usage_events_daily') }}
),

web_signals as (
    {#- Summing the contacts' daily sums gives the sums of their events: counts add up,
        and the earliest first and latest last event times carry over. #}
    select
        'account' as entity_type,
        contacts.account_id as entity_id,
        contact_signals.signal,
        contact_signals.signal_text,
        contact_signals.activity_date,
        contact_signals.event_count,
        contact_signals.first_occurred_at,
        contact_signals.last_occurred_at,
        contact_signals.known_from
    from contact_signals
    inner join contacts
        on contact_signals.entity_id = contacts.contact_id
    where
        contact_signals.signal = 'page_view'
        and contacts.account_id is not null
),

product_signals as (
    select
        'account' as entity_type,
        account_id as entity_id,
        'product_event' as signal,
        usage_event_name as signal_text,
        activity_date,
        event_count,
        first_occurred_at,
        last_occurred_at,
        cast(activity_date as {{ dbt.type_timestamp() }}) as known_from
    from usage_events_daily
    union all
    select
        'account' as entity_type,
        account_id as entity_id,
        'feature_used' as signal,
        feature_name as signal_text,
        activity_date,
        event_count,
        first_occurred_at,
        last_occurred_at,
        cast(activity_date as {{ dbt.type_timestamp() }}) as known_from
    from usage_events_daily
    where feature_name is not null
),

account_signals as (
    select * from web_signals
    union all
    select * from product_signals
),

by_day as (
    {{ signals_by_day('account_signals') }}
)

select * from by_day
