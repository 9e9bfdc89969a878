{#- Attributes and run signals matched to the rules, per scoring run: one row per run,
    rule, entity and matched signal value, in the shape of int_rule_matches_daily (one
    match is one row there too), so that int_rule_points_decayed scores both alike.
    Both are matched to the rules once (macros rule_applies_to_entity and
    rule_matches_signal, as behavioural signals are), then each run keeps its own:
    - an attribute (int_fit_signals_unpivoted) while in effect at the run's date:
      `valid_from` before it, `valid_to` not;
    - a run signal (int_run_signals) for its run only.
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

signals as (
    {#- `run_id`: the run a run signal belongs to; null for an attribute, which each run
        reads while in effect. #}
    select
        cast(null as {{ dbt.type_string() }}) as run_id,
        entity_type,
        entity_id,
        signal,
        signal_text,
        signal_number,
        signal as signal_key,
        event_count,
        valid_from,
        valid_to,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at,
        cast(null as date) as activity_date
    from fit_signals

    union all

    select
        run_id,
        entity_type,
        entity_id,
        signal,
        signal_text,
        signal_number,
        signal_key,
        event_count,
        cast(null as {{ dbt.type_timestamp() }}) as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        first_occurred_at,
        last_occurred_at,
        activity_date
    from run_signals
),

matched as (
    select
        signals.*,
        rules.rule_set,
        rules.model_id,
        rules.rule_id,
        rules.repeat_control
    {{ signals_matched_to_rules('signals') }}
),

by_run as (
    select
        runs.run_id,
        matched.rule_set,
        matched.model_id,
        matched.rule_id,
        matched.repeat_control,
        matched.entity_type,
        matched.entity_id,
        matched.signal_key,
        matched.signal_text,
        matched.valid_from,
        matched.event_count,
        matched.first_occurred_at,
        matched.last_occurred_at,
        matched.activity_date
    from matched
    inner join runs
        on
            matched.rule_set = runs.rule_set
            and (matched.run_id is null or matched.run_id = runs.run_id)
            and (matched.valid_from is null or matched.valid_from < runs.as_of_at)
            and (matched.valid_to is null or matched.valid_to >= runs.as_of_at)
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
    from by_run
)

select * from final
