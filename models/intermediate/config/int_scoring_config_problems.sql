{#- Every problem in the scoring configuration: one row per problem, naming the seed (or
    var), the row's key and what is wrong; empty when the configuration is valid.
    int_scoring_rules_checked reads it and fails the build when it has rows, before any
    score is computed. A view (a table on Spark), so that it reads the seeds and vars as they are:
    `dbt show --select int_scoring_config_problems` lists the problems of an edit. The
    checks of single values and rows are data (macro seed_problems, from
    seeds/_seeds.yml; macro var_problems, from var `scorehouse_var_checks`); the ones
    here relate rows and seeds (weights that sum to 100, bands and windows that meet,
    rules that name known categories and signals). -#}
{#- On Spark a table: its Derby metastore keeps a view's text in at most 32,700 characters,
    and this query is longer. -#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
-- Macro seed_problems finds the seeds it checks in the graph, only while executing:
-- dbt learns of them here, and of what the signal check reads.
-- depends_on: {{ ref('scoring_models') }}
-- depends_on: {{ ref('scoring_dimensions') }}
-- depends_on: {{ ref('grade_bands') }}
-- depends_on: {{ ref('grade_bands_candidates') }}
-- depends_on: {{ ref('rule_set_versions') }}
-- depends_on: {{ ref('decay_step_windows') }}
-- depends_on: {{ ref('qualification_thresholds') }}
-- depends_on: {{ ref('signals') }}
-- depends_on: {{ ref('service_levels') }}
-- depends_on: {{ ref('industry_map') }}
-- depends_on: {{ ref('job_title_map') }}
-- depends_on: {{ ref('email_domains') }}
-- depends_on: {{ ref('stg_crm__record_fields') }}
-- depends_on: {{ ref('int_activity_signals') }}

{%- set str = dbt.type_string() %}

with

models as (select * from {{ ref('scoring_models') }}),

dimensions as (select * from {{ ref('scoring_dimensions') }}),

categories as (select * from {{ ref('scoring_categories') }}),

rules as (
    {#- The current rules and the selected candidate rule set: another candidate does
        not block a build. #}
    select
        'current' as rule_set,
        *
    from {{ ref('scoring_rules') }}
    union all
    select * from {{ ref('scoring_rules_candidates') }}
    where rule_set = '{{ var("scorehouse_candidate_rule_set") }}'
),

bands as (
    {#- The current bands and those of the selected candidate rule set. #}
    select
        'current' as rule_set,
        *
    from {{ ref('grade_bands') }}
    union all
    select * from {{ ref('grade_bands_candidates') }}
    where rule_set = '{{ var("scorehouse_candidate_rule_set") }}'
),

windows as (select * from {{ ref('decay_step_windows') }}),

thresholds as (select * from {{ ref('qualification_thresholds') }}),

rule_keys as (
    select
        *,
        case when rule_set = 'current' then '' else 'rule_set=' || rule_set || ', ' end
        || 'model_id=' || coalesce(model_id, '') || ', rule_id=' || coalesce(rule_id, '') as row_key
    from rules
),

known_signals as (
    {#- The signal catalogue: the built-in signals, and the custom fields, activity
        types and activity properties found in the data. #}
    select signal from {{ ref('signals') }}
    union
    select {{ dbt.concat(['record_type', "'.'", 'field_name']) }} as signal
    from {{ ref('stg_crm__record_fields') }}
    where record_type in ('contact', 'account', 'opportunity')
    union
    select signal from {{ ref('int_activity_signals') }}
),

unknown_signals as (
    select
        rule_keys.row_key,
        rule_keys.signal,
        known_signals.signal as known_signal,
        row_number() over (
            partition by rule_keys.row_key
            order by
                {{ scorehouse.edit_distance("coalesce(rule_keys.signal, '')", 'known_signals.signal') }},
                known_signals.signal
        ) as closeness
    from rule_keys
    cross join known_signals
    where coalesce(rule_keys.signal, '') not in (select catalogue.signal from known_signals as catalogue)
),

ordered_bands as (
    select
        *,
        case when rule_set = 'current' then 'grade_bands' else 'grade_bands_candidates' end as band_seed,
        case when rule_set = 'current' then '' else 'rule_set=' || rule_set || ', ' end
        || 'model_id=' || model_id || ', dimension=' || dimension || ', grade=' || grade as row_key,
        lead(grade) over (
            partition by rule_set, model_id, dimension order by coalesce(min_score, -1e300)
        ) as next_grade,
        lead(min_score) over (
            partition by rule_set, model_id, dimension order by coalesce(min_score, -1e300)
        ) as next_min_score,
        row_number() over (
            partition by rule_set, model_id, dimension order by coalesce(min_score, -1e300) desc
        ) as rank_from_top
    from bands
),

ordered_windows as (
    select
        *,
        'window_set=' || window_set || ', min_age_days=' || cast(min_age_days as {{ str }}) as row_key,
        lead(min_age_days) over (partition by window_set order by min_age_days) as next_min_age,
        row_number() over (partition by window_set order by min_age_days) as window_number
    from windows
),

seed_checks as (
    {#- Types, ranges, lists, references and duplicates, as declared in seeds/_seeds.yml. #}
    {{ scorehouse.seed_problems() }}
),

var_checks as (
    {#- Each var against its check in var `scorehouse_var_checks`. #}
    {{ scorehouse.var_problems() }}
),

problems as (
    select * from seed_checks

    union all
    select * from var_checks

    union all
    select
        'scoring_categories' as seed_name,
        'model_id=' || model_id || ', dimension=' || dimension as row_key,
        'weight_pct sums to ' || cast(sum(weight_pct) as {{ str }}) || ', expected 100' as problem
    from categories
    group by model_id, dimension
    having abs(sum(weight_pct) - 100) > 1e-9

    union all
    select
        'scoring_dimensions' as seed_name,
        'model_id=' || model_id as row_key,
        'weight_pct sums to ' || cast(sum(weight_pct) as {{ str }}) || ', expected 100' as problem
    from dimensions
    group by model_id
    having abs(sum(weight_pct) - 100) > 1e-9

    union all
    select
        'scoring_models' as seed_name,
        'model_id=' || model_id as row_key,
        'has no dimensions in scoring_dimensions' as problem
    from models
    where model_id not in (select dims.model_id from dimensions as dims)

    union all
    select
        'scoring_models' as seed_name,
        'model_id=' || model_id as row_key,
        'has no rules in scoring_rules: it would score nothing' as problem
    from models
    where model_id not in (
            select current_rules.model_id from rules as current_rules
            where current_rules.rule_set = 'current'
        )

    union all
    select
        'scoring_dimensions' as seed_name,
        'model_id=' || d.model_id || ', dimension=' || d.dimension as row_key,
        'has no rules in scoring_rules: this dimension would always score 0' as problem
    from dimensions as d
    where
        d.model_id in (
            select current_rules.model_id from rules as current_rules
            where current_rules.rule_set = 'current'
        )
        and not exists (
            select 1 from rules as r
            where r.rule_set = 'current' and r.model_id = d.model_id and r.dimension = d.dimension
        )

    union all
    select
        'scoring_categories' as seed_name,
        'model_id=' || c.model_id || ', category_id=' || c.category_id as row_key,
        'dimension ''' || c.dimension || ''' is not in scoring_dimensions for this model' as problem
    from categories as c
    where not exists (
            select 1 from dimensions as d
            where d.model_id = c.model_id and d.dimension = c.dimension
        )

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        'fit rules cannot decay (a fit attribute has no event time)' as problem
    from rule_keys
    where dimension <> 'engagement' and decay_method <> 'none'

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        decay_method || ' decay needs a decay_param (days) greater than 0' as problem
    from rule_keys
    where decay_method in ('exponential', 'linear') and (decay_param is null or decay_param <= 0)

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        'step decay names window set ''' || coalesce(decay_windows, '')
        || ''', which decay_step_windows does not have' as problem
    from rule_keys
    where
        decay_method = 'step'
        and (
            decay_windows is null
            or decay_windows not in (select step_windows.window_set from windows as step_windows)
        )

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        'category_id ''' || coalesce(category_id, '') || ''' is not a ' || coalesce(dimension, '?')
        || ' category of this model in scoring_categories' as problem
    from rule_keys as r
    where not exists (
            select 1 from categories as c
            where c.model_id = r.model_id and c.dimension = r.dimension and c.category_id = r.category_id
        )

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        'signal ''' || coalesce(signal, '') || ''' is not in the signal catalogue (seed signals, '
        || 'and the custom fields, activity types and activity properties of the data); '
        || 'did you mean ''' || known_signal || '''?' as problem
    from unknown_signals
    where closeness = 1

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        match_operator || ' needs a match_value' as problem
    from rule_keys
    where
        match_operator in ('equals', 'in', 'contains', 'equals_exact', 'in_exact', 'contains_exact')
        and trim(coalesce(match_value, '')) = ''

    union all
    select
        'scoring_rules' as seed_name,
        row_key,
        'between needs min_value or max_value, with min_value < max_value' as problem
    from rule_keys
    where match_operator = 'between'
        and ((min_value is null and max_value is null) or min_value >= max_value)

    union all
    select
        band_seed as seed_name,
        row_key,
        'min_score must be below max_score' as problem
    from ordered_bands
    where min_score >= max_score

    union all
    select
        band_seed as seed_name,
        row_key,
        'overlaps band ' || next_grade || ', which starts at ' || cast(next_min_score as {{ str }}) as problem
    from ordered_bands
    where next_grade is not null and (max_score is null or max_score > next_min_score)

    union all
    select
        band_seed as seed_name,
        row_key,
        'leaves a gap: it ends at ' || cast(max_score as {{ str }}) || ' but band ' || next_grade
        || ' starts at ' || cast(next_min_score as {{ str }}) as problem
    from ordered_bands
    where next_grade is not null and max_score < next_min_score

    union all
    select
        band_seed as seed_name,
        row_key,
        'the lowest band must have an empty min_score (it holds every lower score)' as problem
    from ordered_bands
    where min_score is not null
        and rank_from_top = (
            select max(b.rank_from_top) from ordered_bands as b
            where b.rule_set = ordered_bands.rule_set and b.model_id = ordered_bands.model_id
                and b.dimension = ordered_bands.dimension
        )

    union all
    select
        band_seed as seed_name,
        row_key,
        'the top band must have an empty max_score (it holds every higher score)' as problem
    from ordered_bands
    where rank_from_top = 1 and max_score is not null

    union all
    select
        band_seed as seed_name,
        row_key,
        'grades must run ' || case when dimension = 'fit' then 'A, B, C, D' else '1, 2, 3, 4' end
        || ' from the highest band down; this band is number ' || cast(rank_from_top as {{ str }}) as problem
    from ordered_bands
    where dimension in ('fit', 'engagement')
        and grade <> case when dimension = 'fit'
                then substr('ABCD', cast(rank_from_top as integer), 1)
            else cast(rank_from_top as {{ str }})
        end

    union all
    select
        case when rule_set = 'current' then 'grade_bands' else 'grade_bands_candidates' end as seed_name,
        case when rule_set = 'current' then '' else 'rule_set=' || rule_set || ', ' end
        || 'model_id=' || model_id || ', dimension=' || dimension as row_key,
        'has ' || cast(count(*) as {{ str }}) || ' bands, expected 4' as problem
    from bands
    where dimension in ('fit', 'engagement')
    group by rule_set, model_id, dimension
    having count(*) <> 4

    union all
    select
        'grade_bands' as seed_name,
        'model_id=' || d.model_id || ', dimension=' || d.dimension as row_key,
        'the model grades fit x engagement but has no ' || d.dimension || ' grade bands' as problem
    from dimensions as d
    where d.dimension in ('fit', 'engagement')
        and d.model_id in (
            select fit_dims.model_id from dimensions as fit_dims
            where fit_dims.dimension = 'fit'
        )
        and not exists (
            select 1 from bands as b
            where b.rule_set = 'current' and b.model_id = d.model_id and b.dimension = d.dimension
        )

    union all
    select
        'decay_step_windows' as seed_name,
        row_key,
        'the first window must start at 0 days' as problem
    from ordered_windows
    where window_number = 1 and min_age_days <> 0

    union all
    select
        'decay_step_windows' as seed_name,
        row_key,
        'does not meet the next window, which starts at ' || cast(next_min_age as {{ str }}) as problem
    from ordered_windows
    where next_min_age is not null and (max_age_days is null or max_age_days <> next_min_age)

    {%- if var('scorehouse_candidate_rule_set') %}
        union all
        select
            'scoring_rules_candidates' as seed_name,
            'rule_set={{ var("scorehouse_candidate_rule_set") }}' as row_key,
            'var scorehouse_candidate_rule_set names this rule set, but the seed has no rows for it' as problem
        from models
        having count(*) > 0
            and not exists (
                select 1 from rules as candidate_rules
                where candidate_rules.rule_set = '{{ var("scorehouse_candidate_rule_set") }}'
            )
    {%- endif %}

    union all
    select
        'qualification_thresholds' as seed_name,
        'model_id=' || s.model_id as row_key,
        'the sql threshold (' || cast(s.min_total_score as {{ str }}) || ') is below the mql threshold ('
        || cast(m.min_total_score as {{ str }}) || ')' as problem
    from thresholds as s
    inner join thresholds as m on s.model_id = m.model_id and m.status = 'mql'
    where s.status = 'sql' and s.min_total_score < m.min_total_score
)

select * from problems
