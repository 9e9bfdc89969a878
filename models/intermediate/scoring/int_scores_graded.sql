{#- One row per run, model and entity the model scores: each dimension's score (the sum
    of its rules' capped points), the total (dimensions weighted by
    `scoring_dimensions`), the fit grade, engagement level and total tier from the
    run's rule set's bands (int_grade_bands), any qualification by a rule (`qualifies_as`),
    and the MQL and SQL status: a qualifying rule, or the total at or above the model's
    `qualification_thresholds` (a model without thresholds qualifies by its rules only).
    lead_scores shows the current run's status; backtests count MQLs with it. -#}
with

population as (
    select * from {{ ref('int_scoring_population') }}
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

dimensions as (
    select * from {{ ref('scoring_dimensions') }}
),

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

bands as (
    select * from {{ ref('int_grade_bands') }}
),

thresholds as (
    select * from {{ ref('qualification_thresholds') }}
),

dimension_points as (
    select
        run_id,
        entity_type,
        entity_id,
        model_id,
        dimension,
        sum(capped_points) as dimension_points
    from rule_points
    group by run_id, entity_type, entity_id, model_id, dimension
),

dimension_scores as (
    select
        population.run_id,
        population.entity_type,
        population.entity_id,
        population.model_id,
        population.scope,
        dimensions.dimension,
        dimensions.weight_pct,
        {{ round_points('coalesce(dimension_points.dimension_points, 0)') }} as dimension_score
    from population
    inner join dimensions
        on population.model_id = dimensions.model_id
    left join dimension_points
        on
            population.run_id = dimension_points.run_id
            and population.entity_type = dimension_points.entity_type
            and population.entity_id = dimension_points.entity_id
            and population.model_id = dimension_points.model_id
            and dimensions.dimension = dimension_points.dimension
),

qualifications as (
    select
        run_id,
        entity_type,
        entity_id,
        model_id,
        max(case when qualifies_as = 'sql' then 1 else 0 end) as qualifies_sql,
        max(case when qualifies_as is not null then 1 else 0 end) as qualifies_mql,
        min(qualifying_event_at) as qualifying_event_at
    from rule_points
    where qualifying_event_at is not null
    group by run_id, entity_type, entity_id, model_id
),

totals as (
    select
        run_id,
        entity_type,
        entity_id,
        model_id,
        scope,
        max(case when dimension = 'fit' then dimension_score end) as fit_score,
        max(case when dimension = 'engagement' then dimension_score end) as engagement_score,
        max(case when dimension = 'financial' then dimension_score end) as financial_score,
        max(case when dimension = 'relationship' then dimension_score end) as relationship_score,
        {{ round_points('sum(dimension_score * weight_pct) / 100.0') }} as total_score
    from dimension_scores
    group by run_id, entity_type, entity_id, model_id, scope
),

graded as (
    select
        totals.run_id,
        totals.entity_type,
        totals.entity_id,
        totals.model_id,
        totals.scope,
        fit_band.grade as fit_grade,
        engagement_band.grade as engagement_level,
        fit_band.grade || engagement_band.grade as grade,
        total_band.grade as total_tier,
        totals.fit_score,
        totals.engagement_score,
        totals.financial_score,
        totals.relationship_score,
        totals.total_score,
        coalesce(qualifications.qualifies_mql, 0) = 1 as qualifies_mql,
        coalesce(qualifications.qualifies_sql, 0) = 1 as qualifies_sql,
        qualifications.qualifying_event_at
    from totals
    inner join runs
        on totals.run_id = runs.run_id
    {{ join_grade_bands('totals', 'totals.fit_score', 'totals.engagement_score', 'runs.rule_set') }}
    left join bands as total_band
        on
            totals.model_id = total_band.model_id
            and runs.rule_set = total_band.rule_set
            and total_band.dimension = 'total'
            and {{ in_band('totals.total_score', 'total_band') }}
    left join qualifications
        on
            totals.run_id = qualifications.run_id
            and totals.entity_type = qualifications.entity_type
            and totals.entity_id = qualifications.entity_id
            and totals.model_id = qualifications.model_id
),

qualified as (
    select
        graded.*,
        graded.qualifies_sql
        or coalesce(graded.total_score >= sql_threshold.min_total_score, false) as is_sql,
        graded.qualifies_sql
        or graded.qualifies_mql
        or coalesce(graded.total_score >= sql_threshold.min_total_score, false)
        or coalesce(graded.total_score >= mql_threshold.min_total_score, false) as is_mql
    from graded
    left join thresholds as sql_threshold
        on graded.model_id = sql_threshold.model_id and sql_threshold.status = 'sql'
    left join thresholds as mql_threshold
        on graded.model_id = mql_threshold.model_id and mql_threshold.status = 'mql'
)

select * from qualified
