{#- A score exactly on a band's lower edge gets that band, and a score a hair below it
    gets the band beneath; every score gets exactly one band. Edges come from the
    `grade_bands` seed itself, so the test holds for any valid configuration. -#}
-- Runs after the configuration check, so a bad seed gets that check's clear message.
-- depends_on: {{ ref('int_scoring_rules_checked') }}
with

bands as (
    select * from {{ ref('grade_bands') }}
),

probes as (
    select
        model_id,
        dimension,
        grade as expected_grade,
        min_score as score
    from bands
    where min_score is not null
    union all
    select
        model_id,
        dimension,
        grade as expected_grade,
        max_score - 0.000001 as score
    from bands
    where max_score is not null
),

assigned as (
    select
        probes.model_id,
        probes.dimension,
        probes.score,
        probes.expected_grade,
        count(bands.grade) as matching_bands,
        max(bands.grade) as assigned_grade
    from probes
    left join bands
        on
            probes.model_id = bands.model_id
            and probes.dimension = bands.dimension
            and {{ in_band('probes.score', 'bands') }}
    group by probes.model_id, probes.dimension, probes.score, probes.expected_grade
)

select * from assigned
where matching_bands <> 1 or assigned_grade <> expected_grade
