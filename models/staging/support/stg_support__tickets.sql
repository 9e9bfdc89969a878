with

base as (
    select * from {{ ref('base_support__tickets') }}
),

staged as (
    select
        ticket_id,
        account_id,
        contact_id,
        ticket_priority,
        is_escalated,
        opened_at,
        resolved_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
