{% macro signals_by_day(signals) -%}
    {#- Sums the rows of `signals` (a CTE with entity_type, entity_id, signal, signal_text,
        activity_date, known_from, event_count, first_occurred_at, last_occurred_at) to
        one row per entity, signal, signal text, day and `known_from`, with its
        `signal_key`: the grain of int_contact_signals_daily and int_account_signals_daily. -#}
    select
        entity_type,
        entity_id,
        signal,
        signal_text,
        activity_date,
        known_from,
        cast(sum(event_count) as {{ dbt.type_bigint() }}) as event_count,
        min(first_occurred_at) as first_occurred_at,
        max(last_occurred_at) as last_occurred_at,
        {{ dbt.concat([
            'signal', "'|'", "coalesce(signal_text, '')", "'|'",
            'cast(activity_date as ' ~ dbt.type_string() ~ ')', "'|'",
            'cast(known_from as ' ~ dbt.type_string() ~ ')',
        ]) }} as signal_key
    from {{ signals }}
    group by entity_type, entity_id, signal, signal_text, activity_date, known_from
{%- endmacro %}
