{#- How much each rule of each scoring run matched: one row per run and rule, with the
    entities it gave points to, its occurrences and its points before and after caps. A
    rule that matched nothing has a row with zeros, so that it shows instead of
    vanishing; a test warns about the current rules that matched nothing. -#}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

matched as (
    select
        run_id,
        model_id,
        rule_id,
        count(*) as entities_matched,
        sum(occurrences) as occurrences,
        sum(decayed_points) as decayed_points,
        sum(capped_points) as capped_points
    from rule_points
    where occurrences > 0
    group by run_id, model_id, rule_id
),

covered as (
    select
        runs.run_id,
        runs.run_type,
        runs.rule_set,
        rules.model_id,
        rules.rule_id,
        rules.dimension,
        rules.signal,
        rules.match_operator,
        rules.match_value,
        cast(coalesce(matched.entities_matched, 0) as {{ dbt.type_bigint() }}) as entities_matched,
        cast(coalesce(matched.occurrences, 0) as {{ dbt.type_bigint() }}) as occurrences,
        cast({{ round_points('coalesce(matched.decayed_points, 0)') }} as {{ type_double() }}) as decayed_points,
        cast({{ round_points('coalesce(matched.capped_points, 0)') }} as {{ type_double() }}) as capped_points,
        runs.as_of_at
    from runs
    inner join rules
        on runs.rule_set = rules.rule_set
    left join matched
        on
            runs.run_id = matched.run_id
            and rules.model_id = matched.model_id
            and rules.rule_id = matched.rule_id
)

select * from covered
