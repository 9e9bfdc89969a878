with

base as (
    select * from {{ ref('base_product__usage_events') }}
),

staged as (
    select
        usage_event_id,
        account_id,
        contact_id,
        usage_event_name,
        feature_name,
        occurred_at,
        received_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
