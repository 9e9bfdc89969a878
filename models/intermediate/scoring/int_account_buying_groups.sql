{#- The buying group each account shows per contact model, as of the scoring date: the
    seniorities and departments of its contacts whose engagement score reaches
    `scorehouse_buying_group_min_engagement` (current run), each listed once, in
    alphabetical order. An account with no such contact has no row. -#}
with

scores as (
    select * from {{ ref('int_scores_current') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

engaged_contacts as (
    select
        contacts.account_id,
        scores.model_id,
        contacts.seniority,
        contacts.department
    from scores
    inner join contacts
        on scores.entity_id = contacts.contact_id
    where
        scores.entity_type = 'contact'
        and contacts.account_id is not null
        and scores.engagement_score >= {{ var('scorehouse_buying_group_min_engagement') }}
),

seniorities as (
    select distinct
        account_id,
        model_id,
        seniority
    from engaged_contacts
    where seniority is not null
),

departments as (
    select distinct
        account_id,
        model_id,
        department
    from engaged_contacts
    where department is not null
),

seniority_coverage as (
    select
        account_id,
        model_id,
        {{ dbt.listagg('seniority', "', '", 'order by seniority') }} as engaged_seniorities
    from seniorities
    group by account_id, model_id
),

department_coverage as (
    select
        account_id,
        model_id,
        {{ dbt.listagg('department', "', '", 'order by department') }} as engaged_departments
    from departments
    group by account_id, model_id
),

final as (
    select
        coalesce(seniority_coverage.account_id, department_coverage.account_id) as account_id,
        coalesce(seniority_coverage.model_id, department_coverage.model_id) as model_id,
        seniority_coverage.engaged_seniorities,
        department_coverage.engaged_departments
    from seniority_coverage
    full outer join department_coverage
        on
            seniority_coverage.account_id = department_coverage.account_id
            and seniority_coverage.model_id = department_coverage.model_id
)

select * from final
