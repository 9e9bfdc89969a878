with

base as (
    select * from {{ ref('base_marketing__email_events') }}
),

staged as (
    select
        email_event_id,
        contact_id,
        campaign_id,
        email_event_type,
        bounce_type,
        clicked_url,
        occurred_at,
        received_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
