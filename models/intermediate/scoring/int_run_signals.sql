{#- Signals that exist only as of a scoring run: one row per run, entity and signal, for
    the values a run computes at its own date. A contact's `days_inactive` (dated by its
    last activity, so it decays like an event) and `account_active_days`; an account's
    metrics from int_account_metrics_dated (ARR, payments, expansion, usage, NPS,
    support; macro account_metric_signals). A null value gives no row (no points). int_rule_matches_by_run matches them
    to the rules. -#}
{%- set metrics = account_metric_signals() %}

with

contact_metrics as (
    select * from {{ ref('int_contact_metrics_dated') }}
),

account_metrics as (
    select * from {{ ref('int_account_metrics_dated') }}
),

inactivity as (
    select
        run_id,
        'contact' as entity_type,
        contact_id as entity_id,
        'days_inactive' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        days_inactive as signal_number,
        'inactivity' as signal_key,
        cast(last_active_at as date) as activity_date,
        1 as event_count,
        last_active_at as first_occurred_at,
        last_active_at as last_occurred_at
    from contact_metrics
),

account_activity as (
    select
        run_id,
        'contact' as entity_type,
        contact_id as entity_id,
        'account_active_days' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        account_active_days as signal_number,
        'account_active_days' as signal_key,
        cast(null as date) as activity_date,
        1 as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
    from contact_metrics
    where account_active_days is not null
),

metric_signals as (
    {%- for metric in metrics %}
        select
            run_id,
            'account' as entity_type,
            account_id as entity_id,
            '{{ metric }}' as signal,
            cast(null as {{ dbt.type_string() }}) as signal_text,
            cast({{ metric }} as {{ type_double() }}) as signal_number,
            '{{ metric }}' as signal_key,
            cast(null as date) as activity_date,
            1 as event_count,
            cast(null as {{ dbt.type_timestamp() }}) as first_occurred_at,
            cast(null as {{ dbt.type_timestamp() }}) as last_occurred_at
        from account_metrics
        where {{ metric }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select * from inactivity
    union all
    select * from account_activity
    union all
    select * from metric_signals
)

select * from final
