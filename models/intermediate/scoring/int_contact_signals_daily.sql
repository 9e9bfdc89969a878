{#- Every behavioural signal of a known contact, one row per contact, signal, signal text,
    day and `known_from`, counting that day's events: page views (including anonymous
    ones stitched to the contact later), email events, form submissions and dated CRM
    activities (`activity.<type>` and `activity.<type>.<property>`, int_activity_signals;
    undated ones are attributes, int_fit_signals_unpivoted).
    `known_from` is the instant from which the events could be tied to the contact: the
    start of their day, or the moment an anonymous visitor was identified if later. A
    run as of a date counts a row only if its day is before that date and it was known by
    then. Built from the daily aggregates, so it reads no raw event. -#}
with

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

page_views_daily as (
    select * from {{ ref('int_page_views_daily') }}
),

visitors as (
    select * from {{ ref('int_visitors_identified') }}
),

email_events_daily as (
    select * from {{ ref('int_email_events_daily') }}
),

form_submissions as (
    select * from {{ ref('int_form_submissions_attributed') }}
),

activities as (
    select * from {{ ref('int_activity_signals') }}
),

web_signals as (
    select
        coalesce(page_views_daily.contact_id, visitors.contact_id) as contact_id,
        'page_view' as signal,
        page_views_daily.page_url as signal_text,
        page_views_daily.activity_date,
        page_views_daily.event_count,
        page_views_daily.first_occurred_at,
        page_views_daily.last_occurred_at,
        case
            when page_views_daily.contact_id is not null
                then cast(page_views_daily.activity_date as {{ dbt.type_timestamp() }})
            when visitors.identified_at > cast(page_views_daily.activity_date as {{ dbt.type_timestamp() }})
                then visitors.identified_at
            else cast(page_views_daily.activity_date as {{ dbt.type_timestamp() }})
        end as known_from
    from page_views_daily
    left join visitors
        on page_views_daily.anonymous_id = visitors.anonymous_id
    where coalesce(page_views_daily.contact_id, visitors.contact_id) is not null
),

email_signals as (
    select
        contact_id,
        case
            when email_event_type = 'bounce' and bounce_type = 'hard' then 'email_hard_bounce'
            when email_event_type = 'bounce' then 'email_soft_bounce'
            else 'email_' || email_event_type
        end as signal,
        campaign_id as signal_text,
        activity_date,
        event_count,
        first_occurred_at,
        last_occurred_at,
        cast(activity_date as {{ dbt.type_timestamp() }}) as known_from
    from email_events_daily
),

form_signals as (
    select
        contact_id,
        'form_submission' as signal,
        form_type as signal_text,
        cast(occurred_at as date) as activity_date,
        1 as event_count,
        occurred_at as first_occurred_at,
        occurred_at as last_occurred_at,
        cast(cast(occurred_at as date) as {{ dbt.type_timestamp() }}) as known_from
    from form_submissions
    where contact_id is not null
),

activity_signals as (
    select
        contact_id,
        signal,
        signal_text,
        cast(occurred_at as date) as activity_date,
        1 as event_count,
        occurred_at as first_occurred_at,
        occurred_at as last_occurred_at,
        cast(cast(occurred_at as date) as {{ dbt.type_timestamp() }}) as known_from
    from activities
    where occurred_at is not null
),

contact_signals as (
    select * from web_signals
    union all
    select * from email_signals
    union all
    select * from form_signals
    union all
    select * from activity_signals
),

known_contact_signals as (
    select
        'contact' as entity_type,
        contact_signals.contact_id as entity_id,
        contact_signals.signal,
        contact_signals.signal_text,
        contact_signals.activity_date,
        contact_signals.event_count,
        contact_signals.first_occurred_at,
        contact_signals.last_occurred_at,
        contact_signals.known_from
    from contact_signals
    inner join contacts
        on contact_signals.contact_id = contacts.contact_id
),

by_day as (
    {{ signals_by_day('known_contact_signals') }}
)

select * from by_day
