{#- One row per day, from var `scorehouse_time_spine_start_date` (included) to var
    `scorehouse_time_spine_end_date` (excluded): the time spine MetricFlow joins metrics to.
    dbt's cross-database `date_spine` builds it, so it runs on DuckDB, PostgreSQL and
    Spark alike (on Spark through the project's `spark__dateadd` and `spark__datediff`). -#}
with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('scorehouse_time_spine_start_date') ~ "' as date)",
        end_date="cast('" ~ var('scorehouse_time_spine_end_date') ~ "' as date)",
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
