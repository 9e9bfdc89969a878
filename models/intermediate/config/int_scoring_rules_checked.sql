{#- The scoring rules, once the whole scoring configuration has been checked. Every
    scoring model reads the rules from here, so a bad configuration stops the build
    before any score is computed, with one line per problem naming the seed row. -#}
-- depends_on: {{ ref('scoring_models') }}
-- depends_on: {{ ref('grade_bands') }}
-- depends_on: {{ ref('decay_step_windows') }}
-- depends_on: {{ ref('qualification_thresholds') }}
{#- Checked when the model runs (build, run), not when it is only compiled (docs, lint). -#}
{%- if execute and flags.WHICH in ['run', 'build'] -%}
    {%- set problems = run_query(scorehouse.scoring_config_problems()) -%}
    {%- if problems.rows | length > 0 -%}
        {%- set lines = [] -%}
        {%- for row in problems.rows -%}
            {%- do lines.append("  - " ~ row[0] ~ " (" ~ row[1] ~ "): " ~ row[2]) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error("Invalid scoring configuration, " ~ (lines | length) ~ " problem(s):\n" ~ (lines | sort | join("\n"))) }}
    {%- endif -%}
{%- endif %}

with

rules as (
    select * from {{ ref('scoring_rules') }}
),

categories as (
    select * from {{ ref('scoring_categories') }}
),

checked as (
    select
        rules.model_id,
        rules.rule_id,
        rules.dimension,
        rules.category_id,
        categories.entity_level,
        rules.signal,
        rules.match_operator,
        rules.match_value,
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
