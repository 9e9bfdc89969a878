{#- Every behavioural signal of a known contact, one row per event, whatever its source:
    page views (including anonymous ones stitched to the contact later), email events and
    form submissions. `attributed_at` is when the event could first be tied to the
    contact: scoring as of a date counts an event only if it was known by then. -#}
with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
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

unioned as (
    select * from web_signals
    union all
    select * from email_signals
    union all
    select * from form_signals
),

known_contacts as (
    select unioned.*
    from unioned
    inner join contacts
        on unioned.contact_id = contacts.contact_id
)

select * from known_contacts
