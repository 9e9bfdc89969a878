{#- The grade bands of every rule set a build scores with: `grade_bands` for the current
    rules (rule_set `current`) and, for the what-if candidate (var `scorehouse_candidate_rule_set`),
    its own bands from seed grade_bands_candidates where it has some for a model and
    dimension, else the current ones. Checked with the rest of the configuration by
    int_scoring_rules_checked. -#}
-- depends_on: {{ ref('int_scoring_rules_checked') }}
{%- set candidate = var('scorehouse_candidate_rule_set') or '' %}

with

current_bands as (
    select * from {{ ref('grade_bands') }}
),

candidate_bands as (
    select * from {{ ref('grade_bands_candidates') }}
    where rule_set = '{{ candidate }}'
),

current_fallback as (
    {#- The current bands of the models and dimensions the candidate has none for. #}
    select * from current_bands
    where
        not exists (
            select 1 from candidate_bands
            where
                candidate_bands.model_id = current_bands.model_id
                and candidate_bands.dimension = current_bands.dimension
        )
),

bands as (
    select
        'current' as rule_set,
        model_id,
        dimension,
        grade,
        min_score,
        max_score
    from current_bands
    {%- if candidate %}
        union all
        select
            '{{ candidate }}' as rule_set,
            model_id,
            dimension,
            grade,
            min_score,
            max_score
        from current_fallback
        union all
        select
            rule_set,
            model_id,
            dimension,
            grade,
            min_score,
            max_score
        from candidate_bands
    {%- endif %}
)

select * from bands
