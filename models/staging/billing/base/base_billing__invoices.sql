with

source as (
    select * from {{ raw_source('billing', 'invoices') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('account_id') }} as account_id,
        {{ parse_value('amount', 'numeric') }} as invoice_amount,
        {{ parse_value('invoice_date', 'date') }} as invoice_date,
        {{ parse_value('due_date', 'date') }} as due_date,
        {{ parse_value('paid_date', 'date') }} as paid_date,
        amount as raw_amount,
        invoice_date as raw_invoice_date,
        due_date as raw_due_date,
        paid_date as raw_paid_date,
        _loaded_at,
        _source_file,
        _source_row,
        _load_id
    from source
),

judged as (
    select
        *,
        case
            when invoice_id is null or account_id is null then 'missing_key'
            when
                {{ is_unparseable('raw_invoice_date', 'invoice_date') }}
                or {{ is_unparseable('raw_due_date', 'due_date') }}
                or {{ is_unparseable('raw_paid_date', 'paid_date') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_amount', 'invoice_amount') }} then 'unparseable_value'
            when invoice_date is null or due_date is null or invoice_amount is null then 'missing_value'
            when invoice_amount < 0 or due_date < invoice_date then 'invalid_value'
        end as row_problem
    from parsed
),

{{ mark_duplicates('invoice_id', keep='latest') }}
