{#- CRM activities tied to their contact: by `contact_id` when the CRM knows that
    contact, else by email (when several contacts share an email, the lowest contact id
    wins, as for forms). An activity whose contact is not found keeps a null contact_id
    and scores nothing. -#}
with

activities as (
    select * from {{ ref('stg_crm__activities') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

contacts_by_email as (
    select * from {{ ref('int_contact_emails') }}
),

attributed as (
    select
        activities.activity_key,
        coalesce(contacts.contact_id, contacts_by_email.contact_id) as contact_id,
        activities.activity_type,
        activities.occurred_at
    from activities
    left join contacts
        on activities.contact_id = contacts.contact_id
    left join contacts_by_email
        on activities.email = contacts_by_email.email
)

select * from attributed
