with

base as (
    select * from {{ ref('base_support__nps_responses') }}
),

staged as (
    select
        nps_response_id,
        account_id,
        contact_id,
        nps_score,
        responded_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
