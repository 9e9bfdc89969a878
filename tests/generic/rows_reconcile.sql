{#- Nothing silently dropped: every row of a raw table is either staged or quarantined
    (duplicates are quarantined with the reason `duplicate`, so they are counted too).
    Returns one row, with the three counts, when they do not add up. -#}
{% test rows_reconcile(model, staged_model, quarantine_model) %}
with

counts as (
    select
        (select count(*) from {{ model }}) as raw_rows,
        (select count(*) from {{ staged_model }}) as staged_rows,
        (select count(*) from {{ quarantine_model }}) as quarantined_rows
)

select * from counts
where raw_rows <> staged_rows + quarantined_rows
{% endtest %}
