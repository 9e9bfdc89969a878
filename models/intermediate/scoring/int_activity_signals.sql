{#- CRM activities as signals, one row per activity and signal: the activity's type,
    `activity.<type>` (its text the type), and each of its properties (the activities
    export's other columns, kept in stg_crm__record_fields as record type `activity`),
    `activity.<type>.<property>` (its text the value, its number the value when it is
    one). A rule on the type matches every activity of that type; a rule on a property
    matches the activities with that property. Only activities whose contact is known. A
    property delivered again keeps its latest value. -#}
with

activities as (
    select * from {{ ref('int_activities_attributed') }}
),

properties as (
    select
        record_id as activity_key,
        field_name,
        field_value,
        field_number,
        row_number() over (
            partition by record_id, field_name
            order by case when observed_at is null then 1 else 0 end, observed_at desc
        ) as value_rank
    from {{ ref('stg_crm__record_fields') }}
    where record_type = 'activity'
),

type_signals as (
    select
        activity_key,
        contact_id,
        occurred_at,
        {{ dbt.concat(["'activity.'", 'activity_type']) }} as signal,
        activity_type as signal_text,
        cast(null as {{ type_double() }}) as signal_number
    from activities
    where contact_id is not null
),

property_signals as (
    select
        activities.activity_key,
        activities.contact_id,
        activities.occurred_at,
        {{ dbt.concat(["'activity.'", 'activities.activity_type', "'.'", 'properties.field_name']) }} as signal,
        properties.field_value as signal_text,
        properties.field_number as signal_number
    from activities
    inner join properties
        on activities.activity_key = properties.activity_key
    where activities.contact_id is not null and properties.value_rank = 1
),

activity_signals as (
    select * from type_signals
    union all
    select * from property_signals
)

select * from activity_signals
