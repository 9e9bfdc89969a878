{#- Every behavioural signal of an entity, one row per entity, signal, signal text, day
    and `known_from`, counting that day's events. Contacts: page views (including
    anonymous ones stitched to the contact later), email events and form submissions.
    Accounts: their contacts' page views and their product usage events.
    `known_from` is the instant from which the events could be tied to the entity: the
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

usage_events_daily as (
    select * from {{ ref('int_usage_events_daily') }}
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

contact_signals as (
    select * from web_signals
    union all
    select * from email_signals
    union all
    select * from form_signals
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

account_web_signals as (
    select
        'account' as entity_type,
        contacts.account_id as entity_id,
        web_signals.signal,
        web_signals.signal_text,
        web_signals.activity_date,
        web_signals.event_count,
        web_signals.first_occurred_at,
        web_signals.last_occurred_at,
        web_signals.known_from
    from web_signals
    inner join contacts
        on web_signals.contact_id = contacts.contact_id
    where contacts.account_id is not null
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

by_day as (
    {#- Each family of signals is summed by day on its own: their keys cannot overlap
        (entity types or signals differ), and several smaller aggregates fit in memory
        where one over every row did not (100M events, see bench/README.md). #}
    {%- for family in ['known_contact_signals', 'account_web_signals', 'product_signals'] %}
    select
        entity_type,
        entity_id,
        signal,
        signal_text,
        activity_date,
        known_from,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        min(first_occurred_at) as first_occurred_at,
        max(last_occurred_at) as last_occurred_at
    from {{ family }}
    group by entity_type, entity_id, signal, signal_text, activity_date, known_from
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

keyed as (
    select
        *,
        {{ dbt.concat([
            'signal', "'|'", "coalesce(signal_text, '')", "'|'",
            'cast(activity_date as ' ~ dbt.type_string() ~ ')', "'|'",
            'cast(known_from as ' ~ dbt.type_string() ~ ')',
        ]) }} as signal_key
    from by_day
)

select * from keyed
