{#- Rank of a row among the rows sharing `key`: 1 is kept, the rest are duplicates.
    keep='first' keeps the first delivered copy (events); keep='latest' keeps the most
    recently loaded, last-written row (CRM records, where a later row is an update).
    `problem`, when given, is a column that is null for a usable row: usable copies rank
    before unusable ones, so an event whose first copy was unusable (say, an unparseable
    timestamp) is kept from a later, usable copy instead of being lost. -#}
{% macro copy_number(key, keep='first', problem=none) -%}
    {%- if keep == 'first' -%}
        {%- set order = '_load_id, _source_file, _source_row' -%}
    {%- elif keep == 'latest' -%}
        {%- set order = '_load_id desc, _source_file desc, _source_row desc' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("copy_number: keep must be 'first' or 'latest', got '" ~ keep ~ "'") }}
    {%- endif -%}
    {%- if problem is not none -%}
        {%- set order = 'case when ' ~ problem ~ ' is null then 0 else 1 end, ' ~ order -%}
    {%- endif -%}
    row_number() over (partition by {{ key }} order by {{ order }})
{%- endmacro %}


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
