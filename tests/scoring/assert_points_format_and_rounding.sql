{#- `format_points` and `round_points` give the same text and numbers on every engine,
    ties included: DuckDB, PostgreSQL and Spark each have their own version. Cases and
    DuckDB's answers are in the `points_cases` seed; this returns the cases where the
    engine's macros disagree. -#}
with

cases as (
    select * from {{ ref('points_cases') }}
),

computed as (
    select
        case_id,
        points,
        expected_text,
        expected_rounded,
        {{ format_points('points') }} as actual_text,
        {{ round_points('points') }} as actual_rounded
    from cases
)

select * from computed
where actual_text <> expected_text or actual_rounded <> expected_rounded
