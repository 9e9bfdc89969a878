with

source as (
    select * from {{ raw_source('support', 'nps_responses') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('nps_response_id') }} as nps_response_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ parse_value('score', 'integer') }} as nps_score,
        {{ parse_timestamp('responded_at') }} as responded_at,
        score as raw_score,
        responded_at as raw_responded_at,
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
            when nps_response_id is null or account_id is null then 'missing_key'
            when {{ is_unparseable('raw_responded_at', 'responded_at') }} then 'unparseable_timestamp'
            when {{ is_unparseable('raw_score', 'nps_score') }} then 'unparseable_value'
            when responded_at is null or nps_score is null then 'missing_value'
            when {{ is_future('responded_at') }} then 'future_timestamp'
            when nps_score < 0 or nps_score > 10 then 'invalid_value'
        end as row_problem
    from parsed
),

{{ mark_duplicates('nps_response_id', keep='latest') }}
