{#- CRM activities of any type, parsed: the type as rules name it (`Webinar attended`
    → `webinar_attended`), the contact by id or email. An activity without an id is
    keyed by its load, file and row (`row:<load id>:<file>:<row>`, as the loader keys
    its properties in record_fields); with an id, the first copy wins. -#}
with

source as (
    select * from {{ raw_source('crm', 'activities') }}
),

parsed as {{ materialized_cte() }} (
    select
        {{ clean_text('activity_id') }} as activity_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ normalize_email('email') }} as email,
        {{ snake_name('activity_type') }} as activity_type,
        {{ parse_timestamp('occurred_at') }} as occurred_at,
        email as raw_email,
        activity_type as raw_activity_type,
        occurred_at as raw_occurred_at,
        _loaded_at,
        _source_file,
        _source_row,
        _load_id
    from source
),

keyed as (
    select
        *,
        coalesce(
            activity_id,
            {{ dbt.concat([
                "'row:'", 'cast(_load_id as ' ~ dbt.type_string() ~ ')', "':'", '_source_file', "':'",
                'cast(_source_row as ' ~ dbt.type_string() ~ ')',
            ]) }}
        ) as activity_key
    from parsed
),

judged as (
    select
        *,
        case
            when activity_type is null or (contact_id is null and {{ clean_text('raw_email') }} is null)
                then 'missing_key'
            when {{ is_unparseable('raw_occurred_at', 'occurred_at') }} then 'unparseable_timestamp'
            when {{ is_unparseable('raw_email', 'email') }} then 'invalid_email'
            when {{ is_future('occurred_at') }} then 'future_timestamp'
        end as row_problem
    from keyed
),

{{ mark_duplicates('activity_key', keep='first') }}
