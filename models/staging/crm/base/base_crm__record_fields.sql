{#- Custom fields of CRM records, one row per record, field and value (see the source
    `crm.record_fields`). The field name is normalised (lower case, every run of other
    characters than letters and digits turned into `_`, none at either end), so that
    `Lead Source` and `lead_source` name the same field; the value is trimmed and also
    parsed as a number where it is one. `observed_at`, when given, dates the value: the
    rows of one record and field with different times are its history. The latest
    delivered value per record, field and time wins. -#}
with

source as (
    select * from {{ raw_source('crm', 'record_fields') }}
),

parsed as {{ materialized_cte() }} (
    select
        lower({{ clean_text('record_type') }}) as record_type,
        {{ clean_text('record_id') }} as record_id,
        {{ snake_name('field_name') }} as field_name,
        {{ clean_text('field_value') }} as field_value,
        {{ parse_value('field_value', 'numeric') }} as field_number,
        {{ parse_timestamp('observed_at') }} as observed_at,
        field_name as raw_field_name,
        observed_at as raw_observed_at,
        _loaded_at,
        _source_file,
        _source_row,
        _load_id
    from source
),

keyed as (
    select
        *,
        {{ dbt.concat([
            'record_type', "'|'", 'record_id', "'|'", 'field_name', "'|'",
            "coalesce(cast(observed_at as " ~ dbt.type_string() ~ "), '')",
        ]) }} as record_field_key
    from parsed
),

judged as (
    select
        *,
        case
            when record_type is null or record_id is null or field_name is null then 'missing_key'
            when field_value is null then 'missing_value'
            when {{ is_unparseable('raw_observed_at', 'observed_at') }} then 'unparseable_timestamp'
            when {{ is_future('observed_at') }} then 'future_timestamp'
            when not {{ in_list('record_type', contract_values('record_fields', 'record_type')) }} then 'unknown_type'
        end as row_problem
    from keyed
),

{{ mark_duplicates('record_field_key', keep='latest') }}
