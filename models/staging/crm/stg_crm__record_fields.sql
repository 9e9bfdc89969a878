with

base as (
    select * from {{ ref('base_crm__record_fields') }}
),

staged as (
    select
        record_field_key,
        record_type,
        record_id,
        field_name,
        field_value,
        field_number,
        observed_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
