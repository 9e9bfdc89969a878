{#- Body of a breakdown mart: one row per entity of `entity_type`, model and matched
    rule in the current run, with base, decayed and capped points, the rule's text and
    the version of the model's configuration (int_rule_set_versions). -#}
{% macro score_breakdown(entity_type) -%}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

versions as (
    select * from {{ ref('int_rule_set_versions') }}
),

breakdown as (
    select
        rule_points.entity_id as {{ entity_type }}_id,
        rule_points.model_id,
        versions.rule_set_version,
        rule_points.rule_id,
        rule_points.dimension,
        rule_points.category_id,
        rules.rule_description,
        rule_points.occurrences,
        rule_points.base_points,
        rule_points.decayed_points,
        rule_points.capped_points,
        rule_points.last_occurred_at,
        cast(runs.as_of_at as date) as scored_as_of
    from rule_points
    inner join runs
        on rule_points.run_id = runs.run_id
    inner join rules
        on
            runs.rule_set = rules.rule_set
            and rule_points.model_id = rules.model_id
            and rule_points.rule_id = rules.rule_id
    inner join versions
        on rule_points.model_id = versions.model_id
    where runs.run_type = 'current' and rule_points.entity_type = '{{ entity_type }}'
)

select * from breakdown
{%- endmacro %}
