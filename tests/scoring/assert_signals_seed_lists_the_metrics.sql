{#- Seed `signals` describes exactly the metrics the models compute: the contact's
    `days_inactive` and `account_active_days` (int_run_signals) and the account metrics
    of macro account_metric_signals. A metric in the seed that no model computes would
    let a rule name it and match nothing; one computed but not in the seed could not be
    named by any rule. Each row returned is a metric on one side only. -#}
{%- set computed = [
    {'signal': 'days_inactive', 'entity_type': 'contact'},
    {'signal': 'account_active_days', 'entity_type': 'contact'},
] -%}
{%- for metric in account_metric_signals() -%}
    {%- do computed.append({'signal': metric, 'entity_type': 'account'}) -%}
{%- endfor %}
with

catalogued as (
    select
        signal,
        entity_type
    from {{ ref('signals') }}
    where signal_kind = 'metric'
),

computed as (
    {%- for metric in computed %}
        select
            '{{ metric.signal }}' as signal,
            '{{ metric.entity_type }}' as entity_type
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

catalogued_only as (
    select
        catalogued.signal,
        catalogued.entity_type,
        'in seed signals, computed by no model' as problem
    from catalogued
    left join computed
        on catalogued.signal = computed.signal and catalogued.entity_type = computed.entity_type
    where computed.signal is null
),

computed_only as (
    select
        computed.signal,
        computed.entity_type,
        'computed, missing from seed signals' as problem
    from computed
    left join catalogued
        on computed.signal = catalogued.signal and computed.entity_type = catalogued.entity_type
    where catalogued.signal is null
)

select * from catalogued_only
union all
select * from computed_only
