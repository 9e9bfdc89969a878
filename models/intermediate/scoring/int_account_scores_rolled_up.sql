{#- Contact models' scores rolled up to accounts, for the current run and a restated one
    (macro scoring_runs): one row per run, account and contact model. Account fit from
    the account-level fit categories, scaled to 0-100; engagement rolled up from the
    account's contacts (var `scorehouse_account_engagement_rollup`: max, sum or the average of the
    `scorehouse_account_engagement_top_n` most engaged); the total weighted by `scoring_dimensions`;
    grades from `grade_bands`; and how many contacts are scored, engaged (from
    `scorehouse_buying_group_min_engagement`) and MQL. account_scores shows the current run;
    int_scores_restated the restated one. PostgreSQL runs it without nested loops (macro
    no_nested_loops_config, docs/engines.md). -#}
{{ no_nested_loops_config() }}
{%- set rollup = var('scorehouse_account_engagement_rollup') -%}
{%- if rollup not in ['max', 'sum', 'top_n_avg'] -%}
    {{ exceptions.raise_compiler_error("var scorehouse_account_engagement_rollup must be max, sum or top_n_avg, got '" ~ rollup ~ "'") }}
{%- endif -%}
{%- set top_n = var('scorehouse_account_engagement_top_n') | int -%}
{%- if top_n < 1 -%}
    {{ exceptions.raise_compiler_error("var scorehouse_account_engagement_top_n must be 1 or more, got " ~ top_n) }}
{%- endif %}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
    where run_type in ('current', 'restated')
),

contact_scores as (
    {#- The contacts' and the accounts' scores are read apart, each once: PostgreSQL
        materializes a CTE read twice, without statistics, and merged the two on the run
        alone (more than 500M pairs compared at 10M events, docs/engines.md). #}
    select * from {{ ref('int_scores_graded') }}
    where entity_type = 'contact'
),

account_fit_scores as (
    select * from {{ ref('int_scores_graded') }}
    where entity_type = 'account' and scope = 'account_fit'
),

contact_models as (
    {#- With their dimension weights and the weight of their account-level fit. #}
    select * from {{ ref('int_scoring_models') }}
    where
        entity_type = 'contact'
        and fit_weight_pct is not null
        and account_fit_weight is not null
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

bands as (
    select * from {{ ref('grade_bands') }}
),

account_fit as (
    select
        rule_points.run_id,
        rule_points.entity_id as account_id,
        rule_points.model_id,
        sum(rule_points.capped_points) as fit_points
    from rule_points
    inner join runs
        on rule_points.run_id = runs.run_id
    where rule_points.entity_type = 'account' and rule_points.dimension = 'fit'
    group by rule_points.run_id, rule_points.entity_id, rule_points.model_id
),

contact_engagement as (
    select
        contact_scores.run_id,
        contacts.account_id,
        contact_scores.model_id,
        contact_scores.entity_id as contact_id,
        contact_scores.engagement_score,
        contact_scores.is_mql,
        row_number() over (
            partition by contact_scores.run_id, contacts.account_id, contact_scores.model_id
            order by contact_scores.engagement_score desc, contact_scores.entity_id asc
        ) as engagement_rank
    from contact_scores
    inner join runs
        on contact_scores.run_id = runs.run_id
    inner join contacts
        on contact_scores.entity_id = contacts.contact_id
    where contacts.account_id is not null
),

engagement_rollup as (
    select
        run_id,
        account_id,
        model_id,
        count(*) as contact_count,
        {%- if rollup == 'max' %}
            max(engagement_score) as engagement_score,
        {%- elif rollup == 'sum' %}
            sum(engagement_score) as engagement_score,
        {%- else %}
            avg(case when engagement_rank <= {{ top_n }} then engagement_score end) as engagement_score,
        {%- endif %}
        count(case when engagement_score >= {{ var('scorehouse_buying_group_min_engagement') }} then 1 end)
            as engaged_contact_count,
        count(case when is_mql then 1 end) as mql_contact_count
    from contact_engagement
    group by run_id, account_id, model_id
),

rolled_up as (
    select
        account_fit_scores.run_id,
        account_fit_scores.entity_id as account_id,
        account_fit_scores.model_id,
        {{ round_points('coalesce(account_fit.fit_points, 0) * 100.0 / contact_models.account_fit_weight') }}
            as fit_score,
        {{ round_points('coalesce(engagement_rollup.engagement_score, 0)') }} as engagement_score,
        contact_models.fit_weight_pct,
        contact_models.engagement_weight_pct,
        coalesce(engagement_rollup.contact_count, 0) as contact_count,
        coalesce(engagement_rollup.engaged_contact_count, 0) as engaged_contact_count,
        coalesce(engagement_rollup.mql_contact_count, 0) as mql_contact_count
    from account_fit_scores
    inner join runs
        on account_fit_scores.run_id = runs.run_id
    inner join contact_models
        on account_fit_scores.model_id = contact_models.model_id
    left join account_fit
        on
            account_fit_scores.run_id = account_fit.run_id
            and account_fit_scores.entity_id = account_fit.account_id
            and account_fit_scores.model_id = account_fit.model_id
    left join engagement_rollup
        on
            account_fit_scores.run_id = engagement_rollup.run_id
            and account_fit_scores.entity_id = engagement_rollup.account_id
            and account_fit_scores.model_id = engagement_rollup.model_id
),

graded as (
    select
        rolled_up.run_id,
        rolled_up.account_id,
        rolled_up.model_id,
        fit_band.grade as fit_grade,
        engagement_band.grade as engagement_level,
        rolled_up.fit_score,
        rolled_up.engagement_score,
        {{ round_points("(rolled_up.fit_score * rolled_up.fit_weight_pct
            + rolled_up.engagement_score * rolled_up.engagement_weight_pct) / 100.0") }} as total_score,
        rolled_up.contact_count,
        rolled_up.engaged_contact_count,
        rolled_up.mql_contact_count
    from rolled_up
    {{ join_grade_bands('rolled_up', 'rolled_up.fit_score', 'rolled_up.engagement_score') }}
)

select * from graded
