{#- An aggregate stands for every row of its upstream model: the sum of its
    `count_column` equals the upstream's row count. Catches an incremental aggregate
    that missed or double-counted events. Returns one row, with both counts, when not. -#}
{% test rows_reconcile_sum(model, upstream_model, count_column) %}
with

counts as (
    select
        (select count(*) from {{ upstream_model }}) as upstream_rows,
        (select coalesce(sum({{ count_column }}), 0) from {{ model }}) as aggregated_rows
)

select * from counts
where upstream_rows <> aggregated_rows
{% endtest %}
