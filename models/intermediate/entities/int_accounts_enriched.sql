with

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
),

industry_map as (
    select * from {{ ref('industry_map') }}
),

email_domains as (
    select * from {{ ref('email_domains') }}
),

enriched as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.account_domain,
        case
            when industry_map.industry_id is not null then industry_map.industry_id
            when accounts.industry is not null then 'other'
        end as industry_id,
        coalesce(email_domains.domain_type, 'business') as domain_type,
        accounts.country_code,
        accounts.employee_count,
        accounts.annual_revenue,
        accounts.created_at
    from accounts
    left join industry_map
        on lower(accounts.industry) = industry_map.raw_industry
    left join email_domains
        on accounts.account_domain = email_domains.domain
)

select * from enriched
