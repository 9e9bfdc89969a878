{#- Explains every point: one row per contact, model and matched rule, with the points
    before decay, after decay and after caps. The capped points of a contact's rules add
    up to its fit and engagement scores in `lead_scores`. -#}
with

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

breakdown as (
    select
        rule_points.entity_id as contact_id,
        rule_points.model_id,
        rule_points.rule_id,
        rule_points.dimension,
        rule_points.category_id,
        rules.rule_description,
        rule_points.occurrences,
        rule_points.base_points,
        rule_points.decayed_points,
        rule_points.capped_points,
        rule_points.last_occurred_at,
        cast({{ as_of_timestamp() }} as date) as scored_as_of
    from rule_points
    inner join rules
        on
            rule_points.model_id = rules.model_id
            and rule_points.rule_id = rules.rule_id
    where rule_points.entity_type = 'contact'
)

select * from breakdown
