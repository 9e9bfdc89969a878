{#- Attributes and run signals matched to the rules, per scoring run: one row per run,
    rule, entity and matched signal value, in the shape of int_rule_matches_daily (one
    match is one row there too), so that int_rule_points_decayed scores both alike.
    - Attributes (int_fit_signals_unpivoted) are matched to the rules once, then each run
      keeps the values in effect at its date: `valid_from` before it, `valid_to` not.
    - Run signals (int_run_signals) are the run's own.
    An attribute has no date (it never decays); a run signal may have one (inactivity).
    PostgreSQL runs it without nested loops (macro no_nested_loops_config). -#}
{{ no_nested_loops_config() }}
with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

fit_signals as (
    select * from {{ ref('int_fit_signals_unpivoted') }}
),

run_signals as (
    select * from {{ ref('int_run_signals') }}
),

fit_matched as (
    select
        rules.rule_set,
        rules.model_id,
        rules.rule_id,
        rules.repeat_control,
        fit_signals.entity_type,
        fit_signals.entity_id,
        fit_signals.signal as signal_key,
        fit_signals.signal_text,
        fit_signals.event_count,
        fit_signals.valid_from,
        fit_signals.valid_to
    from fit_signals
    inner join rules
        on fit_signals.signal = rules.signal
    inner join scoring_models
        on rules.model_id = scoring_models.model_id
    where
        {{ rule_applies_to_entity('rules', 'scoring_models', 'fit_signals.entity_type') }}
        and {{ rule_matches_signal('rules', 'fit_signals') }}
),

fit_by_run as (
    select
        runs.run_id,
        fit_matched.rule_set,
        fit_matched.model_id,
        fit_matched.rule_id,
        fit_matched.repeat_control,
        fit_matched.entity_type,
        fit_matched.entity_id,
        fit_matched.signal_key,
        fit_matched.signal_text,
        fit_matched.valid_from,
        fit_matched.event_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at,
        cast(null as date) as activity_date
    from fit_matched
    inner join runs
        on
            fit_matched.rule_set = runs.rule_set
            and (fit_matched.valid_from is null or fit_matched.valid_from < runs.as_of_at)
            and (fit_matched.valid_to is null or fit_matched.valid_to >= runs.as_of_at)
),

run_signals_matched as (
    select
        run_signals.run_id,
        rules.rule_set,
        rules.model_id,
        rules.rule_id,
        rules.repeat_control,
        run_signals.entity_type,
        run_signals.entity_id,
        run_signals.signal_key,
        run_signals.signal_text,
        cast(null as {{ dbt.type_timestamp() }}) as valid_from,
        run_signals.event_count,
        run_signals.first_occurred_at,
        run_signals.last_occurred_at,
        run_signals.activity_date
    from run_signals
    inner join runs
        on run_signals.run_id = runs.run_id
    inner join rules
        on
            run_signals.signal = rules.signal
            and runs.rule_set = rules.rule_set
    inner join scoring_models
        on rules.model_id = scoring_models.model_id
    where
        {{ rule_applies_to_entity('rules', 'scoring_models', 'run_signals.entity_type') }}
        and {{ rule_matches_signal('rules', 'run_signals') }}
),

matched as (
    select * from fit_by_run
    union all
    select * from run_signals_matched
),

final as (
    select
        run_id,
        rule_set,
        model_id,
        rule_id,
        entity_type,
        entity_id,
        signal_key,
        signal_text,
        valid_from,
        case when repeat_control = 'once_per_value' then signal_text end as repeat_value,
        cast(event_count as {{ dbt.type_bigint() }}) as event_count,
        first_occurred_at,
        last_occurred_at,
        activity_date
    from matched
)

select * from final
