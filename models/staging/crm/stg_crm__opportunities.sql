with

base as (
    select * from {{ ref('base_crm__opportunities') }}
),

staged as (
    select
        opportunity_id,
        account_id,
        contact_id,
        opportunity_type,
        opportunity_stage,
        amount,
        created_at,
        closed_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
