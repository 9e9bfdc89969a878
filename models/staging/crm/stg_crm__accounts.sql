with

base as (
    select * from {{ ref('base_crm__accounts') }}
),

staged as (
    select
        account_id,
        account_name,
        account_domain,
        industry,
        country_code,
        employee_count,
        annual_revenue,
        created_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
