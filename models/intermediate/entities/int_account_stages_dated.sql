{#- Each account's commercial stage as of the scoring date, from opportunities known by
    then: a customer has won an opportunity before the date; an account with an open
    opportunity at the date is in the pipeline. -#}
{%- set as_of = as_of_timestamp() -%}

with

accounts as (
    select * from {{ ref('int_accounts_enriched') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

opportunity_flags as (
    select
        account_id,
        max(case when opportunity_stage = 'won' and closed_at < {{ as_of }} then 1 else 0 end) as has_won,
        max(
            case
                when created_at < {{ as_of }} and (closed_at is null or closed_at >= {{ as_of }}) then 1
                else 0
            end
        ) as has_open,
        sum(
            case
                when created_at < {{ as_of }} and (closed_at is null or closed_at >= {{ as_of }}) then amount else 0
            end
        )
            as open_pipeline_amount
    from opportunities
    group by account_id
),

dated as (
    select
        accounts.account_id,
        coalesce(opportunity_flags.has_won, 0) = 1 as is_customer,
        coalesce(opportunity_flags.has_open, 0) = 1 as has_open_opportunity,
        coalesce(opportunity_flags.open_pipeline_amount, 0) as open_pipeline_amount
    from accounts
    left join opportunity_flags
        on accounts.account_id = opportunity_flags.account_id
)

select * from dated
