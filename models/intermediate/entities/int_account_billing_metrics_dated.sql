{#- Billing metrics per run and account, from the invoices dated before the run's date:
    - `arr`: the invoices of the last `scorehouse_arr_window_days`, annualised (times
      `scorehouse_days_per_year` over the window);
    - payment reliability, of the invoices of the last `scorehouse_payment_window_days`
      that fell due before the date: how many were paid on time, and the average days
      late (an unpaid invoice is late until the date).
    One row per run and account with an invoice in either window; `arr` is 0 when all of
    them are older than the ARR window. -#}
{%- set arr_window = var('scorehouse_arr_window_days') | int -%}
{%- set payment_window = var('scorehouse_payment_window_days') | int -%}
{%- set days_per_year = var('scorehouse_days_per_year') | float -%}
{#- Days from an invoice's due date to its payment (or to the run's date if unpaid). -#}
{%- set days_late = dbt.datediff('due_date', 'coalesce(paid_date, as_of_date)', 'day') -%}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

windowed_invoices as (
    {#- Each run's invoices of either window, with the windows each falls in. #}
    select
        runs.run_id,
        invoices.account_id,
        cast(runs.as_of_at as date) as as_of_date,
        invoices.invoice_amount,
        invoices.due_date,
        invoices.paid_date,
        invoices.invoice_date >= cast({{ dbt.dateadd('day', -arr_window, 'runs.as_of_at') }} as date)
            as is_in_arr_window,
        invoices.invoice_date >= cast({{ dbt.dateadd('day', -payment_window, 'runs.as_of_at') }} as date)
            as is_in_payment_window
    from invoices
    inner join runs
        on
            invoices.invoice_date < cast(runs.as_of_at as date)
            and invoices.invoice_date
            >= cast({{ dbt.dateadd('day', -([arr_window, payment_window] | max), 'runs.as_of_at') }} as date)
),

invoice_totals as (
    select
        run_id,
        account_id,
        sum(case when is_in_arr_window then invoice_amount else 0 end)
        * {{ days_per_year }} / {{ arr_window }} as arr,
        count(case when is_in_payment_window and due_date < as_of_date then 1 end) as invoices_due,
        count(
            case
                when is_in_payment_window and due_date < as_of_date and paid_date <= due_date then 1
            end
        ) as invoices_on_time,
        avg(
            case
                when is_in_payment_window and due_date < as_of_date then greatest(0, {{ days_late }})
            end
        ) as avg_days_late
    from windowed_invoices
    group by run_id, account_id
),

metrics as (
    select
        run_id,
        account_id,
        arr,
        invoices_due,
        invoices_on_time,
        case
            when invoices_due > 0 then 100.0 * invoices_on_time / invoices_due
        end as on_time_payment_pct,
        avg_days_late
    from invoice_totals
)

select * from metrics
