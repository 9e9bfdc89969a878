with

base as (
    select * from {{ ref('base_crm__activities') }}
),

staged as (
    select
        activity_key,
        activity_id,
        contact_id,
        email,
        activity_type,
        occurred_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
