{#- The body of a quarantine model: every row of a base model that staging cannot use,
    with its reason code, parsed and raw values, and lineage (file, row, load time). The
    model depends on seed `quarantine_reasons`, which its reason codes are tested
    against, so that a selection of it and its parents (`+`) builds the seed too. -#}
{% macro quarantined_rows(base_model) -%}
-- depends_on: {{ ref('quarantine_reasons') }}
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
