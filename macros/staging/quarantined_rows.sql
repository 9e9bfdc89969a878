{#- The body of a quarantine model: every row of a base model that staging cannot use,
    with its reason code and what the code means (seed `quarantine_reasons`; null for a
    code the seed lacks, which the model's not_null test refuses), parsed and raw
    values, and lineage (file, row, load time). -#}
{% macro quarantined_rows(base_model) -%}
with

base as (
    select * from {{ ref(base_model) }}
),

reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

quarantined as (
    select
        base.*,
        reasons.meaning as quarantine_reason_meaning
    from base
    left join reasons
        on base.quarantine_reason = reasons.reason_code
    where base.quarantine_reason is not null
)

select * from quarantined
{%- endmacro %}
