{#- The decay macros at their boundaries: age 0, the half-life, at and past the lifespan,
    each step-window edge, and a negative age (a future event, which must not score).
    Cases and expected factors are in the `decay_cases` seed; this returns the cases
    where the macro disagrees by more than 1e-12. -#}
-- Runs after the configuration check, so a bad seed gets that check's clear message.
-- depends_on: {{ ref('int_scoring_rules_checked') }}
with

cases as (
    select * from {{ ref('decay_cases') }}
),

step_windows as (
    select * from {{ ref('decay_step_windows') }}
),

computed as (
    select
        cases.case_id,
        cases.expected_factor,
        {{ decay_factor('cases.decay_method', 'cases.decay_param', 'cases.age_days', 'step_windows.weight') }}
            as actual_factor
    from cases
    left join step_windows
        on {{ in_step_window('cases.decay_method', 'cases.decay_windows', 'cases.age_days', 'step_windows') }}
)

select * from computed
where actual_factor is null or abs(actual_factor - expected_factor) > 1e-12
