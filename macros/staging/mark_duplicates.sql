{#- The last two CTEs of a base model, after a `judged` CTE that sets `row_problem`: rank
    the copies of `key` (usable copies first, see copy_number; with `watermark`, counting
    the usable copies earlier loads left in the incremental model) and set
    `quarantine_reason`: the row's problem, else `duplicate` for every copy but the one
    kept. Ends the model with `select * from reasoned`. -#}
{% macro mark_duplicates(key, keep='first', watermark=none) -%}
checked as (
    select
        *,
        {{ copy_number(key, keep=keep, problem='row_problem') }}
        {%- if watermark is not none %} + {{ earlier_copies(key, watermark) }}{% endif %} as copy_number
    from judged
),

reasoned as (
    select
        *,
        case
            when row_problem is null and copy_number > 1 then 'duplicate'
            else row_problem
        end as quarantine_reason
    from checked
)

select * from reasoned
{%- endmacro %}
