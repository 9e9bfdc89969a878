{#- Which contact an email belongs to, one row per normalised email: when several
    contacts share an email, the lowest contact id. Form submissions and CRM activities
    that carry an email but no known contact id are tied to a contact through it. -#}
with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

by_email as (
    select
        email,
        min(contact_id) as contact_id
    from contacts
    where email is not null
    group by email
)

select * from by_email
