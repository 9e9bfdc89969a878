{#- One row per customer account, health model and scoring date: financial, engagement
    and relationship sub-scores, the weighted health score, the value tier from the
    model's `total` bands in `grade_bands`, risk flags with their reasons, and the
    expansion signal from the model named by var `scorehouse_expansion_signal_model`. Health models are the account models
    with `total` bands (`customer_health` by default). Each row carries the version of
    its model's configuration (int_rule_set_versions). PostgreSQL runs it without nested
    loops (macro no_nested_loops_config, docs/engines.md). -#}
{{ no_nested_loops_config() }}
{%- set str = dbt.type_string() -%}

with

scores as (
    select * from {{ ref('int_scores_current') }}
),

metrics as (
    select * from {{ ref('int_account_metrics_dated') }}
),

versions as (
    select * from {{ ref('int_rule_set_versions') }}
),

model_kinds as (
    select * from {{ ref('int_scoring_models') }}
),

health_models as (
    select model_id
    from model_kinds
    where is_health
),

health as (
    select scores.*
    from scores
    inner join health_models
        on scores.model_id = health_models.model_id
    where scores.entity_type = 'account' and scores.scope = 'scored'
),

expansion as (
    select scores.*
    from scores
    where scores.model_id = '{{ var("scorehouse_expansion_signal_model") }}' and scores.entity_type = 'account'
),

flagged as (
    select
        health.entity_id as account_id,
        health.model_id,
        versions.rule_set_version,
        health.total_tier as value_tier,
        case
            when metrics.usage_trend_pct <= -{{ var('scorehouse_risk_usage_drop_pct') }}
                then 'usage down '
                    || cast(cast({{ round_half_away('-metrics.usage_trend_pct', 0) }} as bigint) as {{ str }})
                    || '% against its baseline'
        end as usage_flag,
        case
            when metrics.latest_nps <= {{ var('scorehouse_risk_detractor_max_nps') }} and metrics.open_escalations > 0
                then 'detractor NPS (' || cast(cast(metrics.latest_nps as bigint) as {{ str }}) || ') with '
                    || cast(metrics.open_escalations as {{ str }}) || ' open escalation(s)'
        end as relationship_flag,
        case
            when metrics.on_time_payment_pct < {{ var('scorehouse_risk_on_time_payment_min_pct') }}
                then 'only '
                    || cast(cast({{ round_half_away('metrics.on_time_payment_pct', 0) }} as bigint) as {{ str }})
                    || '% of invoices paid on time'
        end as payment_flag,
        health.financial_score,
        health.engagement_score,
        health.relationship_score,
        health.total_score as health_score,
        expansion.total_score as expansion_score,
        metrics.arr,
        cast(metrics.usage_trend_pct as {{ type_double() }}) as usage_trend_pct,
        metrics.latest_nps,
        metrics.open_escalations,
        coalesce(
            expansion.total_score >= {{ var('scorehouse_expansion_signal_min_score') }}, false
        ) as has_expansion_signal,
        cast(health.as_of_at as date) as scored_as_of
    from health
    inner join metrics
        on health.run_id = metrics.run_id and health.entity_id = metrics.account_id
    inner join versions
        on health.model_id = versions.model_id
    left join expansion
        on health.entity_id = expansion.entity_id
),

final as (
    select
        account_id,
        model_id,
        rule_set_version,
        value_tier,
        nullif(
            {{ rtrim_chars(dbt.concat([
                "coalesce(usage_flag || '; ', '')",
                "coalesce(relationship_flag || '; ', '')",
                "coalesce(payment_flag || '; ', '')",
            ]), "'; '") }},
            ''
        ) as risk_reasons,
        financial_score,
        engagement_score,
        relationship_score,
        health_score,
        expansion_score,
        arr,
        usage_trend_pct,
        latest_nps,
        open_escalations,
        coalesce(usage_flag, relationship_flag, payment_flag) is not null as is_at_risk,
        has_expansion_signal,
        scored_as_of
    from flagged
)

select * from final
