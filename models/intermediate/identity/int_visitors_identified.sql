{#- Identity stitching: which contact each anonymous visitor id belongs to, and since
    when. A visitor is identified by a form submitted with a contact's email, or by a
    page view that already carried a contact id (e.g. from an email link). The earliest
    identification wins, so a visitor belongs to one contact. -#}
with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

form_submissions as (
    select * from {{ ref('int_form_submissions_attributed') }}
),

page_views_daily as (
    select * from {{ ref('int_page_views_daily') }}
),

identifications as (
    select
        anonymous_id,
        contact_id,
        occurred_at as identified_at
    from form_submissions
    where anonymous_id is not null and contact_id is not null

    union all

    select
        page_views_daily.anonymous_id,
        page_views_daily.contact_id,
        page_views_daily.first_occurred_at as identified_at
    from page_views_daily
    inner join contacts
        on page_views_daily.contact_id = contacts.contact_id
),

ranked as (
    select
        anonymous_id,
        contact_id,
        identified_at,
        row_number() over (
            partition by anonymous_id order by identified_at, contact_id
        ) as identification_rank
    from identifications
),

identified as (
    select
        anonymous_id,
        contact_id,
        identified_at
    from ranked
    where identification_rank = 1
)

select * from identified
