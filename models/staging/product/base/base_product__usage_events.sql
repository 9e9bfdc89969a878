{#- Event-heavy, so incremental: each run parses only the rows of loads it has not
    seen; a re-delivered event is a duplicate of the copy already held. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set watermark = load_watermark(raw_source('product', 'product_usage_events')) %}
{%- do log_new_loads(raw_source('product', 'product_usage_events'), watermark) %}

with

source as (
    select * from {{ raw_source('product', 'product_usage_events') }}
    {{ rows_of_new_loads(watermark) }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('usage_event_id') }} as usage_event_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        lower({{ clean_text('event_name') }}) as usage_event_name,
        lower({{ clean_text('feature') }}) as feature_name,
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
            when usage_event_id is null or account_id is null then 'missing_key'
            when
                {{ is_unparseable('raw_occurred_at', 'occurred_at') }}
                or {{ is_unparseable('raw_received_at', 'received_at') }}
                then 'unparseable_timestamp'
            when occurred_at is null or usage_event_name is null then 'missing_value'
            when {{ is_future('occurred_at') }} then 'future_timestamp'
            when
                not {{ in_list('usage_event_name', contract_values('product_usage_events', 'event_name')) }}
                then 'unknown_type'
        end as row_problem
    from parsed
),

{{ mark_duplicates('usage_event_id', watermark=watermark) }}
