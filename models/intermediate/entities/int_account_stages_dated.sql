{#- Each account's commercial stage as of each run's date, from data known by then. A
    customer has won an opportunity or been invoiced before the date, and has not lost a
    renewal since its last win; an account with an opportunity open at the date is in
    the pipeline. -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

accounts as (
    select * from {{ ref('int_accounts_enriched') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

first_invoices as (
    select
        account_id,
        min(invoice_date) as first_invoice_date
    from invoices
    group by account_id
),

opportunity_facts as (
    select
        runs.run_id,
        opportunities.account_id,
        max(
            case
                when
                    opportunities.opportunity_stage = 'won'
                    and opportunities.closed_at < runs.as_of_at
                    then opportunities.closed_at
            end
        ) as last_won_at,
        max(
            case
                when
                    opportunities.opportunity_type = 'renewal'
                    and opportunities.opportunity_stage = 'lost'
                    and opportunities.closed_at < runs.as_of_at
                    then opportunities.closed_at
            end
        ) as last_churned_at,
        count(
            case
                when
                    opportunities.created_at < runs.as_of_at
                    and (opportunities.closed_at is null or opportunities.closed_at >= runs.as_of_at)
                    then 1
            end
        ) as open_opportunities,
        sum(
            case
                when
                    opportunities.created_at < runs.as_of_at
                    and (opportunities.closed_at is null or opportunities.closed_at >= runs.as_of_at)
                    then opportunities.amount
                else 0
            end
        ) as open_pipeline_amount
    from opportunities
    cross join runs
    group by runs.run_id, opportunities.account_id
),

dated as (
    select
        runs.run_id,
        accounts.account_id,
        (
            opportunity_facts.last_won_at is not null
            or first_invoices.first_invoice_date < cast(runs.as_of_at as date)
        )
        and (
            opportunity_facts.last_churned_at is null
            or (
                opportunity_facts.last_won_at is not null
                and opportunity_facts.last_churned_at < opportunity_facts.last_won_at
            )
        ) as is_customer,
        coalesce(opportunity_facts.open_opportunities, 0) > 0 as has_open_opportunity,
        coalesce(opportunity_facts.open_pipeline_amount, 0) as open_pipeline_amount
    from accounts
    cross join runs
    left join opportunity_facts
        on
            runs.run_id = opportunity_facts.run_id
            and accounts.account_id = opportunity_facts.account_id
    left join first_invoices
        on accounts.account_id = first_invoices.account_id
)

select * from dated
