{#- Points per entity, model and rule, with every cap applied, so that the capped points
    of an entity's rules add up exactly to its dimension scores:
    1. rule cap: a rule's decayed points are limited to +/- rule_cap;
    2. category cap: when a category's positive points exceed its weight_pct, they are
       scaled down proportionally to that weight (fit and engagement alike);
    3. floor: negative points can at most cancel the positive points of their dimension
       (scaled down proportionally), so each dimension scores between 0 and 100.
    Points are rounded to `scorehouse_score_decimals`; where a cap scales rules down, one rule takes
    the rounding remainder so that the rounded parts still add up to the cap exactly.
    Only the entities a run scores are kept (int_scoring_population): all of them, and
    for the accounts it does not score, their account-level fit (for the roll-up).
    PostgreSQL runs it without nested loops (macro no_nested_loops_config), as it ran the
    population's join in int_rule_points_decayed before. -#}
{{ no_nested_loops_config() }}
with

decayed as (
    select * from {{ ref('int_rule_points_decayed') }}
),

population as (
    select * from {{ ref('int_scoring_population') }}
),

categories as (
    select * from {{ ref('scoring_categories') }}
),

rule_totals as (
    select decayed.*
    from decayed
    inner join population
        on
            decayed.run_id = population.run_id
            and decayed.model_id = population.model_id
            and decayed.entity_type = population.entity_type
            and decayed.entity_id = population.entity_id
    where population.scope = 'scored' or (decayed.dimension = 'fit' and decayed.entity_level = 'account')
),

rule_capped as (
    select
        *,
        case
            when rule_cap is null then decayed_points
            when decayed_points > rule_cap then rule_cap
            when decayed_points < -rule_cap then -rule_cap
            else decayed_points
        end as rule_capped_points
    from rule_totals
),

category_sums as (
    select
        rule_capped.*,
        categories.weight_pct as category_cap,
        sum(case when rule_capped.rule_capped_points > 0 then rule_capped.rule_capped_points else 0 end)
            over (
                partition by
                    rule_capped.run_id, rule_capped.entity_type, rule_capped.entity_id, rule_capped.model_id,
                    rule_capped.dimension, rule_capped.category_id
            ) as category_positive_points,
        row_number() over (
            partition by
                rule_capped.run_id, rule_capped.entity_type, rule_capped.entity_id, rule_capped.model_id,
                rule_capped.dimension, rule_capped.category_id
            order by rule_capped.rule_capped_points desc, rule_capped.rule_id asc
        ) as category_rank
    from rule_capped
    inner join categories
        on
            rule_capped.model_id = categories.model_id
            and rule_capped.dimension = categories.dimension
            and rule_capped.category_id = categories.category_id
),

category_scaled as (
    select
        *,
        rule_capped_points > 0 and category_positive_points > category_cap as is_category_capped,
        {{ round_points("case
            when rule_capped_points > 0 and category_positive_points > category_cap
                then rule_capped_points * category_cap / category_positive_points
            else rule_capped_points
        end") }} as category_scaled_points
    from category_sums
),

category_capped as (
    {#- The rounded shares of a capped category must add up to its cap exactly: the
        category's largest rule takes the rounding remainder. #}
    select
        *,
        case
            when is_category_capped and category_rank = 1
                then {{ round_points("category_cap - (
                    sum(case when is_category_capped then category_scaled_points else 0 end) over (
                        partition by run_id, entity_type, entity_id, model_id, dimension, category_id
                    ) - category_scaled_points)") }}
            else category_scaled_points
        end as category_capped_points
    from category_scaled
),

dimension_sums as (
    select
        *,
        sum(case when category_capped_points > 0 then category_capped_points else 0 end)
            over (partition by run_id, entity_type, entity_id, model_id, dimension) as dimension_positive_points,
        sum(case when category_capped_points < 0 then -category_capped_points else 0 end)
            over (partition by run_id, entity_type, entity_id, model_id, dimension) as dimension_negative_points,
        row_number() over (
            partition by run_id, entity_type, entity_id, model_id, dimension
            order by category_capped_points, rule_id
        ) as negative_rank
    from category_capped
),

floor_scaled as (
    select
        *,
        category_capped_points < 0 and dimension_negative_points > dimension_positive_points as is_floored,
        {{ round_points("case
            when category_capped_points < 0 and dimension_negative_points > dimension_positive_points
                then category_capped_points * dimension_positive_points / dimension_negative_points
            else category_capped_points
        end") }} as floor_scaled_points
    from dimension_sums
),

floored as (
    {#- Floored negatives must cancel the positives exactly: the most negative rule
        takes the rounding remainder. #}
    select
        run_id,
        entity_type,
        entity_id,
        model_id,
        rule_id,
        dimension,
        category_id,
        qualifies_as,
        occurrences,
        {{ round_points('base_points') }} as base_points,
        {{ round_points('decayed_points') }} as decayed_points,
        case
            when is_floored and negative_rank = 1
                then {{ round_points("-dimension_positive_points - (
                    sum(case when is_floored then floor_scaled_points else 0 end) over (
                        partition by run_id, entity_type, entity_id, model_id, dimension
                    ) - floor_scaled_points)") }}
            else floor_scaled_points
        end as capped_points,
        qualifying_event_at,
        last_occurred_at
    from floor_scaled
)

select * from floored
