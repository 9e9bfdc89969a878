{#- Event-heavy, so incremental: each run parses only the rows of loads it has not
    seen; a re-delivered event is a duplicate of the copy already held. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set watermark = load_watermark(raw_source('marketing', 'email_events')) %}
{%- do log_new_loads(raw_source('marketing', 'email_events'), watermark) %}

with

source as (
    select * from {{ raw_source('marketing', 'email_events') }}
    {{ rows_of_new_loads(watermark) }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('email_event_id') }} as email_event_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        lower({{ clean_text('event_type') }}) as email_event_type,
        lower({{ clean_text('bounce_type') }}) as bounce_type,
        lower({{ clean_text('url') }}) as clicked_url,
        {{ parse_timestamp('occurred_at') }} as occurred_at,
        {{ parse_timestamp('received_at') }} as received_at,
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
            when email_event_id is null or contact_id is null then 'missing_key'
            when
                {{ is_unparseable('raw_occurred_at', 'occurred_at') }}
                or {{ is_unparseable('raw_received_at', 'received_at') }}
                then 'unparseable_timestamp'
            when occurred_at is null or email_event_type is null or campaign_id is null
                then 'missing_value'
            when {{ is_future('occurred_at') }} then 'future_timestamp'
            when
                not {{ in_list('email_event_type', contract_values('email_events', 'event_type')) }}
                then 'unknown_type'
            when
                bounce_type is not null
                and not {{ in_list('bounce_type', contract_values('email_events', 'bounce_type')) }}
                then 'invalid_value'
        end as row_problem
    from parsed
),

{{ mark_duplicates('email_event_id', watermark=watermark) }}
