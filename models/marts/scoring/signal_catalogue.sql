{#- Every signal the warehouse holds, one row per signal: the built-in ones (seed
    `signals`), and every custom field of a contact, account or opportunity, activity
    type and activity property found in the data, with how many rows and entities carry
    it. Rules may name only these signals (int_scoring_rules_checked refuses the others). Metrics are computed per scoring
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

activity_signals as (
    select distinct
        signal,
        case when signal = {{ dbt.concat(["'activity.'", 'signal_text']) }} then 'type' else 'property' end
            as activity_part
    from {{ ref('int_activity_signals') }}
),

custom_fields as (
    select distinct
        {{ dbt.concat(['record_type', "'.'", 'field_name']) }} as signal,
        record_type
    from record_fields
    where record_type in ('contact', 'account', 'opportunity')
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
        case when record_type = 'contact' then 'contact' else 'contact and account' end as entity_type,
        'Custom field of the ' || record_type || ' records' as description
    from custom_fields

    union all

    select
        signal,
        'activity_' || activity_part as signal_source,
        'behaviour' as signal_kind,
        'contact' as entity_type,
        case
            when activity_part = 'type' then 'CRM activity of this type (undated ones count without decay)'
            else 'Property of CRM activities of this type (undated ones count without decay)'
        end as description
    from activity_signals
),

signal_rows as (
    {#- An activity type can be both: dated activities are behaviour, undated ones attributes. #}
    select
        signal,
        entity_type,
        entity_id,
        event_count
    from attribute_signals
    union all
    select
        signal,
        entity_type,
        entity_id,
        event_count
    from behaviour_signals
),

counts as (
    select
        signal,
        sum(event_count) as record_count,
        count(distinct {{ dbt.concat(['entity_type', "'|'", 'entity_id']) }}) as entity_count
    from signal_rows
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
            case when catalogued.signal_kind <> 'metric' then coalesce(counts.record_count, 0) end
            as {{ dbt.type_bigint() }}
        ) as record_count,
        cast(
            case when catalogued.signal_kind <> 'metric' then coalesce(counts.entity_count, 0) end
            as {{ dbt.type_bigint() }}
        ) as entity_count
    from catalogued
    left join counts
        on catalogued.signal = counts.signal
)

select * from final
