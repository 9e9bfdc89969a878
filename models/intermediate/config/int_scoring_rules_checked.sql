{#- The scoring rules of every rule set a build scores with, once the whole scoring
    configuration has been checked: the current rules (rule_set `current`) and, when var
    `scorehouse_candidate_rule_set` names one, the candidate rule set. A candidate set starts from
    the current rules of the models it mentions; each of its rows replaces the current
    rule with the same id or adds a rule. A bad configuration stops the build here,
    before any score is computed, with one line per problem naming the seed row (the
    rows of int_scoring_config_problems). -#}
-- depends_on: {{ ref('int_scoring_config_problems') }}
{#- Checked when the model runs (build, run, retry), not when it is only compiled (docs, lint). -#}
{%- if execute and flags.WHICH in ['run', 'build', 'retry'] -%}
    {%- set problems = run_query(
        'select seed_name, row_key, problem from ' ~ ref('int_scoring_config_problems')
    ) -%}
    {%- if problems.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in problems.rows -%}
            {%- do lines.append("  - " ~ row[0] ~ " (" ~ row[1] ~ "): " ~ row[2]) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "Invalid scoring configuration, " ~ (lines | length) ~ " problem(s):\n" ~ (lines | sort | join("\n"))
        ) }}
    {%- endif -%}
{%- endif %}
{%- set candidate = var('scorehouse_candidate_rule_set') %}

with

current_rules as (
    select
        'current' as rule_set,
        *
    from {{ ref('scoring_rules') }}
),

candidate_rows as (
    select * from {{ ref('scoring_rules_candidates') }}
    where rule_set = '{{ candidate or "" }}'
),

candidate_rules as (
    select
        '{{ candidate or "" }}' as rule_set,
        current_rules.model_id,
        current_rules.rule_id,
        current_rules.dimension,
        current_rules.category_id,
        current_rules.signal,
        current_rules.match_operator,
        current_rules.match_value,
        current_rules.min_value,
        current_rules.max_value,
        current_rules.points,
        current_rules.decay_method,
        current_rules.decay_param,
        current_rules.decay_windows,
        current_rules.rule_cap,
        current_rules.repeat_control,
        current_rules.qualifies_as,
        current_rules.description
    from current_rules
    where
        current_rules.model_id in (select candidate_rows.model_id from candidate_rows)
        and not exists (
            select 1 from candidate_rows
            where
                candidate_rows.model_id = current_rules.model_id
                and candidate_rows.rule_id = current_rules.rule_id
        )
    union all
    select * from candidate_rows
),

rules as (
    select * from current_rules
    union all
    select * from candidate_rules
),

categories as (
    select * from {{ ref('scoring_categories') }}
),

checked as (
    select
        rules.rule_set,
        rules.model_id,
        rules.rule_id,
        rules.dimension,
        rules.category_id,
        categories.entity_level,
        rules.signal,
        rules.match_operator,
        rules.match_value,
        {#- The value as rule_matches_signal compares it: lower case, trimmed; for `in`,
            the list with no space around its `|` and a `|` at each end. The `_exact`
            operators compare the value as written (`in_exact`: a `|` at each end). #}
        case
            when rules.match_operator = 'in'
                then {{ dbt.concat(["'|'", scorehouse.regexp_replace_all(
                    'lower(trim(rules.match_value))', "' *[|] *'", "'|'"), "'|'"]) }}
            when rules.match_operator = 'in_exact' then {{ dbt.concat(["'|'", 'rules.match_value', "'|'"]) }}
            when rules.match_operator in ('equals_exact', 'contains_exact') then rules.match_value
            else lower(trim(rules.match_value))
        end as match_text,
        rules.min_value,
        rules.max_value,
        rules.points,
        rules.decay_method,
        rules.decay_param,
        rules.decay_windows,
        rules.rule_cap,
        rules.repeat_control,
        rules.qualifies_as,
        rules.description as rule_description
    from rules
    inner join categories
        on
            rules.model_id = categories.model_id
            and rules.dimension = categories.dimension
            and rules.category_id = categories.category_id
)

select * from checked
