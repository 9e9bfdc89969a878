{#- What happened to each entity, for backtests: one row per entity, outcome and time.
    Accounts: `new_business_won`, `expansion_won` (won opportunities, at close) and
    `churned` (renewal lost, at close). Contacts share their account's outcomes and
    those of opportunities naming them as primary contact (an opportunity may name only
    its contact). -#}
with

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

account_outcomes as (
    select
        opportunity_id,
        account_id,
        contact_id,
        case
            when opportunity_type = 'new_business' and opportunity_stage = 'won' then 'new_business_won'
            when opportunity_type = 'expansion' and opportunity_stage = 'won' then 'expansion_won'
            when opportunity_type = 'renewal' and opportunity_stage = 'lost' then 'churned'
        end as outcome,
        closed_at as occurred_at
    from opportunities
),

contact_outcomes as (
    {#- A contact shares its account's outcomes and those of the opportunities naming it:
        two equality joins (a join on `a = b or c = d` compares every pair of rows). #}
    select
        contacts.contact_id,
        account_outcomes.outcome,
        account_outcomes.opportunity_id,
        account_outcomes.occurred_at
    from account_outcomes
    inner join contacts
        on account_outcomes.account_id = contacts.account_id
    where account_outcomes.outcome is not null

    union all

    select
        contacts.contact_id,
        account_outcomes.outcome,
        account_outcomes.opportunity_id,
        account_outcomes.occurred_at
    from account_outcomes
    inner join contacts
        on account_outcomes.contact_id = contacts.contact_id
    where account_outcomes.outcome is not null
),

outcomes as (
    select
        'account' as entity_type,
        account_id as entity_id,
        outcome,
        opportunity_id,
        occurred_at
    from account_outcomes
    where outcome is not null and account_id is not null

    union all

    select distinct
        'contact' as entity_type,
        contact_id as entity_id,
        outcome,
        opportunity_id,
        occurred_at
    from contact_outcomes
)

select * from outcomes
