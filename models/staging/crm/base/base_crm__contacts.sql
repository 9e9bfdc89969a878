with

source as (
    select * from {{ raw_source('crm', 'contacts') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,
        {{ normalize_email('email') }} as email,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('job_title') }} as job_title,
        upper({{ clean_text('country') }}) as country_code,
        lower({{ clean_text('lead_source') }}) as lead_source,
        {{ parse_timestamp('created_at') }} as created_at,
        email as raw_email,
        created_at as raw_created_at,
        _loaded_at,
        _source_file,
        _source_row,
        _load_id
    from source
),

domained as (
    select
        *,
        {{ email_domain('email') }} as email_domain
    from parsed
),

judged as (
    select
        *,
        case
            when contact_id is null then 'missing_key'
            when {{ is_unparseable('raw_created_at', 'created_at') }} then 'unparseable_timestamp'
            when {{ is_unparseable('raw_email', 'email') }} then 'invalid_email'
            when created_at is null then 'missing_value'
            when
                {{ in_list('email_domain', var('scorehouse_internal_domains')) }}
                or {{ matches_any('email', var('scorehouse_test_account_patterns')) }}
                then 'internal_or_test'
        end as row_problem
    from domained
),

{{ mark_duplicates('contact_id', keep='latest') }}
