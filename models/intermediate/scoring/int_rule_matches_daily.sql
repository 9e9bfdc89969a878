{#- The behavioural signals each engagement rule matches, counted per day: one row per
    rule set, model, rule, entity, day, `known_from` and repeat value (the signal text,
    for `once_per_value` rules). Matching rules to signals (`equals`, `contains`,
    `between`) is the costly part of scoring, so it is done once here, not once per
    scoring run, and only for the days whose signals changed.

    Each row keeps what a scoring run needs to apply repeat control exactly as if it
    read the signals one by one: the day's event count, first and last event time, and
    its leading signal (the earliest, then the lowest `signal_key`) with that signal's
    last event time.

    Incremental: a run processes the days whose rows in `int_engagement_signals_unioned`
    changed (new or late events, a visitor identified, a contact moved to another
    account), found by comparing each day's row count and fingerprint with the ones
    stored here (`days_with_changed_input`). Those days are replaced whole
    (`replace_dates_config`). A change of the rules' matching columns, or of this SQL,
    rebuilds it (`input_version`), and so does a new `matching_version`: raise it when
    macro rule_matches_signal changes what matches. -#}
{{ replace_dates_config('activity_date') }}
{%- set signals_relation = ref('int_engagement_signals_unioned') -%}
{%- set fingerprint_columns = [
    'entity_type', 'entity_id', 'signal_key', 'event_count', 'first_occurred_at', 'last_occurred_at',
] -%}
{%- set rule_columns = [
    'rules.rule_set', 'rules.model_id', 'rules.rule_id', 'rules.dimension', 'rules.signal', 'rules.match_operator',
    'rules.match_value', 'rules.match_text', 'rules.min_value', 'rules.max_value', 'rules.repeat_control',
    'rules.entity_level', 'scoring_models.entity_type',
] -%}
{%- set rules_version = 0 -%}
{%- if execute and flags.WHICH in ['run', 'build', 'retry'] -%}
    {%- set rules_version = run_query(
        'select coalesce(cast(sum(' ~ row_fingerprint(rule_columns) ~ ') as ' ~ dbt.type_bigint() ~ '), 0)'
        ~ ' from ' ~ ref('int_scoring_rules_checked') ~ ' as rules inner join ' ~ ref('scoring_models')
        ~ ' as scoring_models on rules.model_id = scoring_models.model_id'
    ).rows[0][0] | int -%}
{%- endif -%}
{%- set matching_version = 3 -%}
{%- set version = input_version([rules_version, matching_version]) -%}
{%- set days = days_with_changed_input(signals_relation, fingerprint_columns, version) -%}
{%- do log_rows_processed(signals_relation, days) %}

with

signals as (
    {#- A behavioural signal's number is its text when that is a number (an activity
        property such as a call's duration), for `between` rules. #}
    select
        *,
        {{ parse_value('signal_text', 'numeric') }} as signal_number
    from {{ signals_relation }}
    where {{ days }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

scoring_models as (
    select * from {{ ref('scoring_models') }}
),

day_inputs as (
    select
        activity_date,
        count(*) as day_input_rows,
        cast(sum({{ row_fingerprint(fingerprint_columns) }}) as {{ dbt.type_bigint() }}) as day_input_fingerprint
    from signals
    group by activity_date
),

matched as (
    {#- An engagement rule counts for the entities its model scores; an account-level
        fit rule counts for every account (see int_scoring_population). #}
    select
        rules.rule_set,
        rules.model_id,
        rules.rule_id,
        signals.entity_type,
        signals.entity_id,
        signals.known_from,
        case when rules.repeat_control = 'once_per_value' then signals.signal_text end as repeat_value,
        signals.signal_key,
        signals.event_count,
        signals.first_occurred_at,
        signals.last_occurred_at,
        signals.activity_date
    {{ signals_matched_to_rules('signals') }}
),

by_day as (
    select
        rule_set,
        model_id,
        rule_id,
        entity_type,
        entity_id,
        known_from,
        repeat_value,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        min(first_occurred_at) as first_occurred_at,
        max(last_occurred_at) as last_occurred_at,
        {{ first_by('signal_key', ['first_occurred_at', 'signal_key']) }} as lead_signal_key,
        {{ first_by('last_occurred_at', ['first_occurred_at', 'signal_key']) }} as lead_last_occurred_at,
        activity_date
    from matched
    group by rule_set, model_id, rule_id, entity_type, entity_id, activity_date, known_from, repeat_value
),

day_ranked as (
    {#- The earliest `known_from` among the day's rows of the same rule, entity and
        repeat value that come before this one: a run keeps a `once_per_day` row when it
        knows it and none of those (see int_rule_points_decayed), with no window over all
        history. #}
    select
        *,
        min(known_from) over (
            partition by rule_set, model_id, rule_id, entity_type, entity_id, activity_date, repeat_value
            order by first_occurred_at, lead_signal_key
            rows between unbounded preceding and 1 preceding
        ) as earlier_known_from
    from by_day
),

final as (
    select
        by_day.rule_set,
        by_day.model_id,
        by_day.rule_id,
        by_day.entity_type,
        by_day.entity_id,
        by_day.known_from,
        by_day.repeat_value,
        by_day.event_count,
        by_day.first_occurred_at,
        by_day.last_occurred_at,
        by_day.lead_signal_key,
        by_day.lead_last_occurred_at,
        by_day.earlier_known_from,
        day_inputs.day_input_rows,
        day_inputs.day_input_fingerprint,
        cast('{{ version }}' as {{ var('scorehouse_text_type')[target.type] }}) as input_version,
        by_day.activity_date
    from day_ranked as by_day
    inner join day_inputs
        on by_day.activity_date = day_inputs.activity_date
)

select * from final
