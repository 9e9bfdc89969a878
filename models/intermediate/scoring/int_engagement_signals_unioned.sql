{#- Every behavioural signal, one row per entity and source event. Contacts: page views
    (including anonymous ones stitched to the contact later), email events and form
    submissions. Accounts: their contacts' page views and their product usage events.
    `attributed_at` is when the event could first be tied to the entity: scoring as of
    a date counts an event only if it was known by then. -#}
with

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

page_views as (
    select * from {{ ref('stg_marketing__page_views') }}
),

visitors as (
    select * from {{ ref('int_visitors_identified') }}
),

email_events as (
    select * from {{ ref('stg_marketing__email_events') }}
),

form_submissions as (
    select * from {{ ref('int_form_submissions_attributed') }}
),

usage_events as (
    select * from {{ ref('stg_product__usage_events') }}
),

web_signals as (
    select
        coalesce(page_views.contact_id, visitors.contact_id) as contact_id,
        'page_view' as signal,
        page_views.page_url as signal_text,
        page_views.page_view_id as event_id,
        page_views.occurred_at,
        case
            when page_views.contact_id is not null then page_views.occurred_at
            when visitors.identified_at > page_views.occurred_at then visitors.identified_at
            else page_views.occurred_at
        end as attributed_at
    from page_views
    left join visitors
        on page_views.anonymous_id = visitors.anonymous_id
    where coalesce(page_views.contact_id, visitors.contact_id) is not null
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
        email_event_id as event_id,
        occurred_at,
        occurred_at as attributed_at
    from email_events
),

form_signals as (
    select
        contact_id,
        'form_submission' as signal,
        form_type as signal_text,
        form_submission_id as event_id,
        occurred_at,
        occurred_at as attributed_at
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
        contact_signals.event_id,
        contact_signals.occurred_at,
        contact_signals.attributed_at
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
        web_signals.event_id,
        web_signals.occurred_at,
        web_signals.attributed_at
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
        usage_event_id as event_id,
        occurred_at,
        occurred_at as attributed_at
    from usage_events
    union all
    select
        'account' as entity_type,
        account_id as entity_id,
        'feature_used' as signal,
        feature_name as signal_text,
        usage_event_id as event_id,
        occurred_at,
        occurred_at as attributed_at
    from usage_events
    where feature_name is not null
),

unioned as (
    select * from known_contact_signals
    union all
    select * from account_web_signals
    union all
    select * from product_signals
)

select * from unioned
