with

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
),

accounts as (
    select * from {{ ref('int_accounts_enriched') }}
),

job_title_map as (
    select * from {{ ref('job_title_map') }}
),

email_domains as (
    select * from {{ ref('email_domains') }}
),

title_matches as (
    select
        contacts.contact_id,
        job_title_map.attribute,
        job_title_map.mapped_value,
        row_number() over (
            partition by contacts.contact_id, job_title_map.attribute
            order by job_title_map.priority, job_title_map.pattern
        ) as match_rank
    from contacts
    inner join job_title_map
        on lower(contacts.job_title) like {{ dbt.concat(["'%'", "job_title_map.pattern", "'%'"]) }}
),

title_attributes as (
    select
        contact_id,
        max(case when attribute = 'seniority' then mapped_value end) as seniority,
        max(case when attribute = 'department' then mapped_value end) as department
    from title_matches
    where match_rank = 1
    group by contact_id
),

enriched as (
    select
        contacts.contact_id,
        accounts.account_id,
        contacts.account_id as crm_account_id,
        contacts.email,
        nullif(
            trim({{ dbt.concat(["coalesce(contacts.first_name, '')", "' '", "coalesce(contacts.last_name, '')"]) }}), ''
        ) as full_name,
        contacts.email_domain,
        case
            when email_domains.domain_type is not null then email_domains.domain_type
            when accounts.domain_type = 'competitor' then 'competitor'
            when contacts.email_domain is not null then 'business'
        end as email_domain_type,
        title_attributes.seniority,
        title_attributes.department,
        accounts.industry_id,
        coalesce(contacts.country_code, accounts.country_code) as country_code,
        accounts.employee_count,
        accounts.annual_revenue,
        contacts.account_id is not null and accounts.account_id is null as has_unknown_account,
        contacts.created_at
    from contacts
    left join accounts
        on contacts.account_id = accounts.account_id
    left join email_domains
        on contacts.email_domain = email_domains.domain
    left join title_attributes
        on contacts.contact_id = title_attributes.contact_id
)

select * from enriched
