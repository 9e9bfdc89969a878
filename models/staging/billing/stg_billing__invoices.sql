with

base as (
    select * from {{ ref('base_billing__invoices') }}
),

staged as (
    select
        invoice_id,
        account_id,
        invoice_amount,
        invoice_date,
        due_date,
        paid_date,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
