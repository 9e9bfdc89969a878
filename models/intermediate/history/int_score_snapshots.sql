{#- The scores of one scoring date, appended to the history: one row per entity, model
    and date, from the BI marts. Each run replaces its own date exactly (delete+insert
    on `as_of_date`), so re-running a date changes nothing and a backfill can run dates
    in any order (on Spark: insert_overwrite of the date's partition, see macro
    `replace_dates_config`). `full_refresh=false`: a --full-refresh rebuilds everything
    else but never erases the history. -#}
{{ replace_dates_config('as_of_date') }}
{{ config(on_schema_change='fail', full_refresh=false) }}

with

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

account_scores as (
    select * from {{ ref('account_scores') }}
),

customer_health as (
    select * from {{ ref('customer_health') }}
),

snapshots as (
    select
        'contact' as entity_type,
        contact_id as entity_id,
        model_id,
        lead_grade as grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        fit_score,
        engagement_score,
        total_score,
        is_mql,
        is_sql,
        scored_as_of as as_of_date
    from lead_scores

    union all

    select
        'account' as entity_type,
        account_id as entity_id,
        model_id,
        account_grade as grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        fit_score,
        engagement_score,
        total_score,
        false as is_mql,
        false as is_sql,
        scored_as_of as as_of_date
    from account_scores

    union all

    select
        'account' as entity_type,
        account_id as entity_id,
        model_id,
        cast(null as {{ dbt.type_string() }}) as grade,
        value_tier,
        financial_score as fit_score,
        engagement_score,
        health_score as total_score,
        false as is_mql,
        false as is_sql,
        scored_as_of as as_of_date
    from customer_health
)

select * from snapshots
