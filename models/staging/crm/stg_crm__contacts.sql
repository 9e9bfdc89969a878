with

base as (
    select * from {{ ref('base_crm__contacts') }}
),

staged as (
    select
        contact_id,
        account_id,
        email,
        email_domain,
        first_name,
        last_name,
        job_title,
        country_code,
        lead_source,
        created_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
