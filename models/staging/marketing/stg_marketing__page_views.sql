with

base as (
    select * from {{ ref('base_marketing__page_views') }}
),

staged as (
    select
        page_view_id,
        anonymous_id,
        contact_id,
        page_url,
        referrer_url,
        occurred_at,
        received_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
