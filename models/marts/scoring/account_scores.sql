{#- One row per account and scoring model: account fit from firmographics, engagement
    rolled up from the account's contacts (max, sum or average of the top N, by var),
    buying-group coverage, and the combined account grade, as of the scoring date. -#}
{%- set as_of = as_of_timestamp() -%}
{%- set rollup = var('account_engagement_rollup') -%}
{%- if rollup not in ['max', 'sum', 'top_n_avg'] -%}
    {{ exceptions.raise_compiler_error("var account_engagement_rollup must be max, sum or top_n_avg, got '" ~ rollup ~ "'") }}
{%- endif -%}
{%- set top_n = var('account_engagement_top_n') | int -%}
{%- if top_n < 1 -%}
    {{ exceptions.raise_compiler_error("var account_engagement_top_n must be 1 or more, got " ~ top_n) }}
{%- endif -%}

with

accounts as (
    select * from {{ ref('int_accounts_enriched') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

categories as (
    select * from {{ ref('scoring_categories') }}
),

rule_points as (
    select * from {{ ref('int_rule_points_capped') }}
),

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

bands as (
    select * from {{ ref('grade_bands') }}
),

account_stages as (
    select * from {{ ref('int_account_stages_dated') }}
),

scored_accounts as (
    select
        accounts.account_id,
        scoring_models.model_id,
        scoring_models.fit_weight_pct
    from accounts
    cross join scoring_models
    where scoring_models.entity_type = 'contact' and accounts.created_at < {{ as_of }}
),

account_fit_weights as (
    select
        model_id,
        sum(weight_pct) as account_fit_weight
    from categories
    where dimension = 'fit' and entity_level = 'account'
    group by model_id
),

account_fit as (
    select
        entity_id as account_id,
        model_id,
        sum(capped_points) as fit_points
    from rule_points
    where entity_type = 'account' and dimension = 'fit'
    group by entity_id, model_id
),

contact_engagement as (
    select
        lead_scores.account_id,
        lead_scores.model_id,
        lead_scores.contact_id,
        lead_scores.engagement_score,
        lead_scores.is_mql,
        contacts.seniority,
        contacts.department,
        row_number() over (
            partition by lead_scores.account_id, lead_scores.model_id
            order by lead_scores.engagement_score desc, lead_scores.contact_id asc
        ) as engagement_rank
    from lead_scores
    inner join contacts
        on lead_scores.contact_id = contacts.contact_id
    where lead_scores.account_id is not null
),

engagement_rollup as (
    select
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
        count(case when engagement_score >= {{ var('buying_group_min_engagement') }} then 1 end)
            as engaged_contact_count,
        count(case when is_mql then 1 end) as mql_contact_count
    from contact_engagement
    group by account_id, model_id
),

buying_group_seniorities as (
    select distinct
        account_id,
        model_id,
        seniority
    from contact_engagement
    where engagement_score >= {{ var('buying_group_min_engagement') }} and seniority is not null
),

buying_group_departments as (
    select distinct
        account_id,
        model_id,
        department
    from contact_engagement
    where engagement_score >= {{ var('buying_group_min_engagement') }} and department is not null
),

seniority_coverage as (
    select
        account_id,
        model_id,
        {{ dbt.listagg('seniority', "', '", 'order by seniority') }} as engaged_seniorities
    from buying_group_seniorities
    group by account_id, model_id
),

department_coverage as (
    select
        account_id,
        model_id,
        {{ dbt.listagg('department', "', '", 'order by department') }} as engaged_departments
    from buying_group_departments
    group by account_id, model_id
),

totals as (
    select
        scored_accounts.account_id,
        scored_accounts.model_id,
        {{ round_points('coalesce(account_fit.fit_points, 0) * 100.0 / account_fit_weights.account_fit_weight') }}
            as fit_score,
        {{ round_points('coalesce(engagement_rollup.engagement_score, 0)') }} as engagement_score,
        scored_accounts.fit_weight_pct,
        coalesce(engagement_rollup.contact_count, 0) as contact_count,
        coalesce(engagement_rollup.engaged_contact_count, 0) as engaged_contact_count,
        coalesce(engagement_rollup.mql_contact_count, 0) as mql_contact_count
    from scored_accounts
    inner join account_fit_weights
        on scored_accounts.model_id = account_fit_weights.model_id
    left join account_fit
        on
            scored_accounts.account_id = account_fit.account_id
            and scored_accounts.model_id = account_fit.model_id
    left join engagement_rollup
        on
            scored_accounts.account_id = engagement_rollup.account_id
            and scored_accounts.model_id = engagement_rollup.model_id
),

final as (
    select
        totals.account_id,
        totals.model_id,
        fit_band.grade as fit_grade,
        engagement_band.grade as engagement_level,
        fit_band.grade || engagement_band.grade as account_grade,
        case
            when account_stages.is_customer then 'customer'
            when account_stages.has_open_opportunity then 'opportunity'
            else 'prospect'
        end as account_stage,
        seniority_coverage.engaged_seniorities,
        department_coverage.engaged_departments,
        totals.fit_score,
        totals.engagement_score,
        {{ round_points('''(totals.fit_score * totals.fit_weight_pct
            + totals.engagement_score * (100 - totals.fit_weight_pct)) / 100.0''') }} as total_score,
        totals.contact_count,
        totals.engaged_contact_count,
        totals.mql_contact_count,
        account_stages.open_pipeline_amount,
        cast({{ as_of }} as date) as scored_as_of
    from totals
    left join bands as fit_band
        on
            totals.model_id = fit_band.model_id
            and fit_band.dimension = 'fit'
            and {{ in_band('totals.fit_score', 'fit_band') }}
    left join bands as engagement_band
        on
            totals.model_id = engagement_band.model_id
            and engagement_band.dimension = 'engagement'
            and {{ in_band('totals.engagement_score', 'engagement_band') }}
    left join account_stages
        on totals.account_id = account_stages.account_id
    left join seniority_coverage
        on
            totals.account_id = seniority_coverage.account_id
            and totals.model_id = seniority_coverage.model_id
    left join department_coverage
        on
            totals.account_id = department_coverage.account_id
            and totals.model_id = department_coverage.model_id
)

select * from final
