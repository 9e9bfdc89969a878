{#- Who each model scores in each run: one row per run, model and entity. Contact
    models score contacts created before the run's date (`prospects`: those whose
    account is not a customer then); account models score accounts (`customers`: those
    that are customers then). Contact models also score every account's firmographic
    fit (`scope = 'account_fit'`), which `account_scores` rolls up with its contacts.
    A run scores only the models its rule set has rules for (a what-if candidate
    covers the models it mentions). -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

rule_set_models as (
    select distinct
        rule_set,
        model_id
    from {{ ref('int_scoring_rules_checked') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

accounts as (
    select * from {{ ref('int_accounts_enriched') }}
),

stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

dated_contacts as (
    select
        runs.run_id,
        contacts.contact_id,
        coalesce(stages.is_customer, false) as is_customer
    from contacts
    inner join runs
        on contacts.created_at < runs.as_of_at
    left join stages
        on runs.run_id = stages.run_id and contacts.account_id = stages.account_id
),

dated_accounts as (
    select
        runs.run_id,
        accounts.account_id,
        stages.is_customer
    from accounts
    inner join runs
        on accounts.created_at < runs.as_of_at
    inner join stages
        on runs.run_id = stages.run_id and accounts.account_id = stages.account_id
),

candidates as (
    select
        dated_contacts.run_id,
        scoring_models.model_id,
        'contact' as entity_type,
        dated_contacts.contact_id as entity_id,
        'scored' as scope
    from dated_contacts
    inner join scoring_models
        on scoring_models.entity_type = 'contact'
    where {{ in_population('scoring_models.population', 'dated_contacts.is_customer') }}

    union all

    select
        dated_accounts.run_id,
        scoring_models.model_id,
        'account' as entity_type,
        dated_accounts.account_id as entity_id,
        case when scoring_models.entity_type = 'contact' then 'account_fit' else 'scored' end as scope
    from dated_accounts
    inner join scoring_models
        on
            scoring_models.entity_type = 'contact'
            or {{ in_population('scoring_models.population', 'dated_accounts.is_customer') }}
),

population as (
    select candidates.*
    from candidates
    inner join runs
        on candidates.run_id = runs.run_id
    inner join rule_set_models
        on runs.rule_set = rule_set_models.rule_set and candidates.model_id = rule_set_models.model_id
)

select * from population
