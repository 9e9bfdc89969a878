with

base as (
    select * from {{ ref('base_marketing__form_submissions') }}
),

staged as (
    select
        form_submission_id,
        anonymous_id,
        email,
        contact_id,
        form_type,
        page_url,
        occurred_at,
        received_at,
        _loaded_at,
        _load_id
    from base
    where quarantine_reason is null
)

select * from staged
