{#- `model_performance` with the scoring date of the build that wrote it, for the
    semantic layer only: MetricFlow needs a time dimension on every semantic model with
    measures, and the backtest by grade has none of its own. -#}
with

model_performance as (
    select * from {{ ref('model_performance') }}
),

final as (
    select
        model_performance.*,
        cast({{ as_of_timestamp() }} as date) as scored_as_of
    from model_performance
)

select * from final
