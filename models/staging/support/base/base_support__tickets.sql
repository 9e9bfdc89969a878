with

source as (
    select * from {{ raw_source('support', 'support_tickets') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        lower({{ clean_text('priority') }}) as ticket_priority,
        {{ parse_value('is_escalated', 'boolean') }} as is_escalated,
        {{ parse_timestamp('opened_at') }} as opened_at,
        {{ parse_timestamp('resolved_at') }} as resolved_at,
        is_escalated as raw_is_escalated,
        opened_at as raw_opened_at,
        resolved_at as raw_resolved_at,
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
            when ticket_id is null or account_id is null then 'missing_key'
            when
                {{ is_unparseable('raw_opened_at', 'opened_at') }}
                or {{ is_unparseable('raw_resolved_at', 'resolved_at') }}
                then 'unparseable_timestamp'
            when {{ is_unparseable('raw_is_escalated', 'is_escalated') }} then 'unparseable_value'
            when opened_at is null or ticket_priority is null then 'missing_value'
            when {{ is_future('opened_at') }} or {{ is_future('resolved_at') }} then 'future_timestamp'
            when not {{ in_list('ticket_priority', contract_values('support_tickets', 'priority')) }}
                then 'unknown_type'
            when resolved_at < opened_at then 'invalid_value'
        end as row_problem
    from parsed
),

{{ mark_duplicates('ticket_id', keep='latest') }}
