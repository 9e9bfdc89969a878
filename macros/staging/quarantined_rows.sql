{#- The body of a quarantine model: every row of a base model that staging cannot use,
    with its reason code, parsed and raw values, and lineage (file, row, load time). -#}
{% macro quarantined_rows(base_model) -%}
with

base as (
    select * from {{ ref(base_model) }}
),

quarantined as (
    select * from base
    where quarantine_reason is not null
)

select * from quarantined
{%- endmacro %}
