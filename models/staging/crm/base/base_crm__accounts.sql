with

source as (
    select * from {{ raw_source('crm', 'accounts') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('account_name') }} as account_name,
        lower({{ clean_text('domain') }}) as account_domain,
        {{ clean_text('industry') }} as industry,
        upper({{ clean_text('country') }}) as country_code,
        {{ parse_value('employee_count', 'integer') }} as employee_count,
        {{ parse_value('annual_revenue', 'numeric') }} as annual_revenue,
        {{ parse_timestamp('created_at') }} as created_at,
        employee_count as raw_employee_count,
        annual_revenue as raw_annual_revenue,
        created_at as raw_created_at,
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
            when account_id is null then 'missing_key'
            when {{ is_unparseable('raw_created_at', 'created_at') }} then 'unparseable_timestamp'
            when
                {{ is_unparseable('raw_employee_count', 'employee_count') }}
                or {{ is_unparseable('raw_annual_revenue', 'annual_revenue') }}
                then 'unparseable_value'
            when created_at is null then 'missing_value'
            when employee_count < 0 or annual_revenue < 0 then 'invalid_value'
            when
                {{ matches_any('account_name', var('scorehouse_test_account_patterns')) }}
                or {{ in_list('account_domain', var('scorehouse_internal_domains')) }}
                then 'internal_or_test'
        end as row_problem
    from parsed
),

{{ mark_duplicates('account_id', keep='latest') }}
