{#- The version of each model's scoring configuration: one row per model, with
    `rule_set_version`, the first 12 hex digits of the md5 of `config_text`, a canonical
    text of everything that moves the model's points, grades or MQL status:
    - its row of `scoring_models` (entity type, population);
    - its `scoring_dimensions` and `scoring_categories` (weights and caps);
    - its `scoring_rules`, every column but the description;
    - its `grade_bands` and `qualification_thresholds`;
    - the `decay_step_windows` of the window sets its rules name;
    - the vars listed in var `scorehouse_rule_set_version_vars`, as JSON, each named
      without the `scorehouse_` prefix of the vars (so the versions of before the vars
      were namespaced still hold).
    One line per row, `<section>|<value>|<value>...` (null written as nothing, numbers by
    canonical_number), sorted by byte order and joined by line feeds, so every engine
    gives the same text and the same version. scorehouse/calibrate.py (`rule_set_versions`)
    writes the same text from the seed files, for `scorehouse adopt`. Descriptions,
    service levels and mappings are left out: they change no score or grade. -#}
{%- set version_vars = var('scorehouse_rule_set_version_vars') -%}
{%- set var_lines = [] -%}
{%- for name in version_vars -%}
    {%- if name not in var('scorehouse_var_checks') -%}
        {{ exceptions.raise_compiler_error("var scorehouse_rule_set_version_vars: '" ~ name ~ "' is not a var of this project") }}
    {%- endif -%}
    {%- set value = tojson(var(name), sort_keys=true) -%}
    {%- if "'" in value or "\\" in value -%}
        {{ exceptions.raise_compiler_error("var scorehouse_rule_set_version_vars: the value of var '" ~ name ~ "' holds a quote or a backslash, which the rule-set version cannot hash") }}
    {%- endif -%}
    {%- do var_lines.append('var|' ~ name.replace('scorehouse_', '', 1) ~ '|' ~ value) -%}
{%- endfor -%}
{%- set text = var('scorehouse_text_type')[target.type] %}
-- depends_on: {{ ref('int_scoring_rules_checked') }}

with

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

dimensions as (
    select * from {{ ref('scoring_dimensions') }}
),

categories as (
    select * from {{ ref('scoring_categories') }}
),

rules as (
    select * from {{ ref('scoring_rules') }}
),

bands as (
    select * from {{ ref('grade_bands') }}
),

thresholds as (
    select * from {{ ref('qualification_thresholds') }}
),

step_windows as (
    select * from {{ ref('decay_step_windows') }}
),

version_vars as (
    {#- One line per var of `scorehouse_rule_set_version_vars` (none: a null line, left out). #}
    {%- for line in var_lines or [none] %}
        select cast({{ "'" ~ line ~ "'" if line else 'null' }} as {{ text }}) as config_line
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

rule_windows as (
    select distinct
        model_id,
        decay_windows
    from rules
    where decay_windows is not null
),

config_lines as (
    select
        model_id,
        {{ config_line('model', ['entity_type', 'population']) }} as config_line
    from scoring_models

    union all

    select
        model_id,
        {{ config_line('dimension', ['dimension', canonical_number('weight_pct')]) }} as config_line
    from dimensions

    union all

    select
        model_id,
        {{ config_line('category', [
            'dimension', 'category_id', 'entity_level', canonical_number('weight_pct'),
        ]) }} as config_line
    from categories

    union all

    select
        model_id,
        {{ config_line('rule', [
            'rule_id', 'dimension', 'category_id', 'signal', 'match_operator', 'match_value',
            canonical_number('min_value'), canonical_number('max_value'),
            canonical_number('points'), 'decay_method', canonical_number('decay_param'),
            'decay_windows', canonical_number('rule_cap'), 'repeat_control', 'qualifies_as',
        ]) }} as config_line
    from rules

    union all

    select
        model_id,
        {{ config_line('band', [
            'dimension', 'grade', canonical_number('min_score'), canonical_number('max_score'),
        ]) }} as config_line
    from bands

    union all

    select
        model_id,
        {{ config_line('threshold', ['status', canonical_number('min_total_score')]) }} as config_line
    from thresholds

    union all

    select
        rule_windows.model_id,
        {{ config_line('window', [
            'step_windows.window_set', canonical_number('step_windows.min_age_days'),
            canonical_number('step_windows.max_age_days'), canonical_number('step_windows.weight'),
        ]) }} as config_line
    from rule_windows
    inner join step_windows
        on rule_windows.decay_windows = step_windows.window_set

    union all

    select
        scoring_models.model_id,
        version_vars.config_line
    from scoring_models
    cross join version_vars
    where version_vars.config_line is not null
),

config_texts as (
    select
        model_id,
        {{ dbt.listagg('config_line', 'chr(10)', 'order by ' ~ binary_sort_key('config_line')) }} as config_text
    from config_lines
    group by model_id
),

final as (
    select
        model_id,
        substr({{ dbt.hash('config_text') }}, 1, 12) as rule_set_version,
        config_text
    from config_texts
)

select * from final
