{#- Form submissions matched to their contact: the one the form names (`contact_id`)
    when the CRM knows it, else the contact with the same (normalised) email; when
    several contacts share an email, the lowest contact id wins. Submissions that match
    no contact keep a null contact_id: they are new leads not yet in the CRM. -#}
with

form_submissions as (
    select * from {{ ref('stg_marketing__form_submissions') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

contacts_by_email as (
    select * from {{ ref('int_contact_emails') }}
),

attributed as (
    select
        form_submissions.form_submission_id,
        coalesce(contacts.contact_id, contacts_by_email.contact_id) as contact_id,
        form_submissions.anonymous_id,
        form_submissions.form_type,
        form_submissions.page_url,
        form_submissions.occurred_at
    from form_submissions
    left join contacts
        on form_submissions.contact_id = contacts.contact_id
    left join contacts_by_email
        on form_submissions.email = contacts_by_email.email
)

select * from attributed
