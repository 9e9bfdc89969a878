{#- Event-heavy, so incremental: each run parses only the rows of loads it has not
    seen; a re-delivered event is a duplicate of the copy already held. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

{%- set watermark = load_watermark(raw_source('marketing', 'page_views')) %}
{%- do log_new_loads(raw_source('marketing', 'page_views'), watermark) %}

with

source as (
    select * from {{ raw_source('marketing', 'page_views') }}
    {{ rows_of_new_loads(watermark) }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('page_view_id') }} as page_view_id,
        {{ clean_text('anonymous_id') }} as anonymous_id,
        {{ clean_text('contact_id') }} as contact_id,
        lower({{ clean_text('url') }}) as page_url,
        lower({{ clean_text('referrer') }}) as referrer_url,
        {{ clean_text('user_agent') }} as user_agent,
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
            when page_view_id is null or anonymous_id is null then 'missing_key'
            when
                {{ is_unparseable('raw_occurred_at', 'occurred_at') }}
                or {{ is_unparseable('raw_received_at', 'received_at') }}
                then 'unparseable_timestamp'
            when occurred_at is null or page_url is null then 'missing_value'
            when {{ is_future('occurred_at') }} then 'future_timestamp'
            when {{ matches_any('user_agent', var('scorehouse_bot_user_agent_patterns')) }} then 'bot_traffic'
        end as row_problem
    from parsed
),

{{ mark_duplicates('page_view_id', watermark=watermark) }}
