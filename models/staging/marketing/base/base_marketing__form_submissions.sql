with

source as (
    select * from {{ raw_source('marketing', 'form_submissions') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('form_submission_id') }} as form_submission_id,
        {{ normalize_email('email') }} as email,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        lower({{ clean_text('form_type') }}) as form_type,
        lower({{ clean_text('page_url') }}) as page_url,
        {{ parse_timestamp('occurred_at') }} as occurred_at,
        {{ parse_timestamp('received_at') }} as received_at,
        email as raw_email,
        occurred_at as raw_occurred_at,
        received_at as raw_received_at,
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
            when form_submission_id is null then 'missing_key'
            when
                {{ is_unparseable('raw_occurred_at', 'occurred_at') }}
                or {{ is_unparseable('raw_received_at', 'received_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_email', 'email') }} then 'invalid_email'
            when occurred_at is null or (email is null and contact_id is null) or form_type is null
                then 'missing_value'
            when {{ is_future('occurred_at') }} then 'future_timestamp'
            when
                not {{ in_list('form_type', contract_values('form_submissions', 'form_type')) }}
                then 'unknown_type'
            when {{ in_list(email_domain('email'), var('scorehouse_internal_domains')) }} then 'internal_or_test'
        end as row_problem
    from parsed
),

{{ mark_duplicates('form_submission_id') }}
