{#- Every signal the warehouse holds, one row per signal: the built-in ones (seed
    `signals`) and every custom field of a contact or account found in the data, with how
    many rows and entities carry it. Rules may name only these signals
    (int_scoring_rules_checked refuses the others). Metrics are computed per scoring
    date and have no count here. -#}
with

built_in as (
    select * from {{ ref('signals') }}
),

record_fields as (
    select * from {{ ref('stg_crm__record_fields') }}
),

attribute_signals as (
    select * from {{ ref('int_fit_signals_unpivoted') }}
),

behaviour_signals as (
    select * from {{ ref('int_engagement_signals_unioned') }}
),

custom_fields as (
    select distinct
        {{ dbt.concat(['record_type', "'.'", 'field_name']) }} as signal,
        record_type
    from record_fields
    where record_type in ('contact', 'account')
),

catalogued as (
    select
        signal,
        'built_in' as signal_source,
        signal_kind,
        entity_type,
        description
    from built_in

    union all

    select
        signal,
        'custom_field' as signal_source,
        'attribute' as signal_kind,
        case when record_type = 'account' then 'contact and account' else 'contact' end as entity_type,
        'Custom field of the ' || record_type || ' records' as description
    from custom_fields
),

attribute_counts as (
    select
        signal,
        count(*) as record_count,
        count(distinct {{ dbt.concat(['entity_type', "'|'", 'entity_id']) }}) as entity_count
    from attribute_signals
    group by signal
),

behaviour_counts as (
    select
        signal,
        sum(event_count) as record_count,
        count(distinct {{ dbt.concat(['entity_type', "'|'", 'entity_id']) }}) as entity_count
    from behaviour_signals
    group by signal
),

final as (
    select
        catalogued.signal,
        catalogued.signal_source,
        catalogued.signal_kind,
        catalogued.entity_type,
        catalogued.description,
        cast(
            case when catalogued.signal_kind <> 'metric'
                    then coalesce(attribute_counts.record_count, behaviour_counts.record_count, 0)
            end
            as {{ dbt.type_bigint() }}
        ) as record_count,
        cast(
            case when catalogued.signal_kind <> 'metric'
                    then coalesce(attribute_counts.entity_count, behaviour_counts.entity_count, 0)
            end
            as {{ dbt.type_bigint() }}
        ) as entity_count
    from catalogued
    left join attribute_counts
        on catalogued.signal = attribute_counts.signal
    left join behaviour_counts
        on catalogued.signal = behaviour_counts.signal
)

select * from final
