with

source as (
    select * from {{ raw_source('crm', 'opportunities') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        lower({{ clean_text('opportunity_type') }}) as opportunity_type,
        lower({{ clean_text('stage') }}) as opportunity_stage,
        {{ parse_value('amount', 'numeric') }} as amount,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('closed_at') }} as closed_at,
        amount as raw_amount,
        created_at as raw_created_at,
        closed_at as raw_closed_at,
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
            when opportunity_id is null or (account_id is null and contact_id is null) then 'missing_key'
            when
                {{ is_unparseable('raw_created_at', 'created_at') }}
                or {{ is_unparseable('raw_closed_at', 'closed_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_amount', 'amount') }} then 'unparseable_value'
            when created_at is null or opportunity_type is null or opportunity_stage is null
                then 'missing_value'
            when {{ is_future('created_at') }} or {{ is_future('closed_at') }} then 'future_timestamp'
            when
                not {{ in_list('opportunity_type', contract_values('opportunities', 'opportunity_type')) }}
                or not {{ in_list('opportunity_stage', contract_values('opportunities', 'stage')) }}
                then 'unknown_type'
            when
                amount < 0
                or (opportunity_stage = 'open' and closed_at is not null)
                or (opportunity_stage <> 'open' and closed_at is null)
                or closed_at < created_at
                then 'invalid_value'
        end as row_problem
    from parsed
),

{{ mark_duplicates('opportunity_id', keep='latest') }}
