{#- Attributes as signals, one row per entity, attribute and value, so that rules join to
    them like behavioural signals do. Null attributes produce no row (no points).
    - Built-in attributes: contacts carry their own plus their account's; accounts carry
      only company attributes.
    - Custom fields (stg_crm__record_fields): the signal `<record_type>.<field_name>`,
      with its text and, when it is a number, its number. A contact carries its own
      `contact.*` fields and its account's `account.*` fields; an opportunity's fields
      are the `opportunity.*` signals of its contact and its account, in effect from the
      opportunity's creation.
    - CRM activities without a date: the attribute `activity.<type>` of their contact,
      their number as `event_count` (and as the signal's number), and each property the
      attribute `activity.<type>.<property>` (its number the value's).
    An attribute has no event date, so it is never decayed (age 0). A value dated by the
    CRM (`observed_at`, `is_dated`) holds from its valid_from date until its next value
    (`valid_to`): a score as of a date reads the value in effect then. Every other value
    is today's, with no history: it holds at every date (from its opportunity's creation,
    for an opportunity field), backtests included; model_performance_summary's
    `attribute_history` says so. -#}
{#- (signal, column, kind, level): account-level signals describe the company. -#}
{%- set signals = [
    ('industry', 'industry_id', 'text', 'account'),
    ('country', 'country_code', 'text', 'account'),
    ('email_domain_type', 'email_domain_type', 'text', 'account'),
    ('seniority', 'seniority', 'text', 'contact'),
    ('department', 'department', 'text', 'contact'),
    ('employee_count', 'employee_count', 'number', 'account'),
    ('annual_revenue', 'annual_revenue', 'number', 'account'),
] -%}
{%- set selects = [] -%}
{%- for entity_type, relation in [('contact', 'contacts'), ('account', 'accounts')] -%}
    {%- for signal, column, kind, level in signals if entity_type == 'contact' or level == 'account' -%}
        {%- do selects.append((entity_type, relation, signal, column, kind)) -%}
    {%- endfor -%}
{%- endfor %}

with

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

accounts as (
    select
        *,
        domain_type as email_domain_type
    from {{ ref('int_accounts_enriched') }}
),

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

record_fields as (
    {#- An undated value comes before the dated ones of its field: it holds until the
        first dated value. #}
    select
        *,
        observed_at as valid_from,
        lead(observed_at) over (
            partition by record_type, record_id, field_name
            order by case when observed_at is null then 0 else 1 end, observed_at
        ) as valid_to
    from {{ ref('stg_crm__record_fields') }}
),

undated_activities as (
    {#- Per contact, signal and value: how many activities, and the signal's number (the
        count for a type, the value for a property). #}
    select
        contact_id,
        signal,
        signal_text,
        count(*) as activity_count,
        coalesce(signal_number, cast(count(*) as {{ type_double() }})) as signal_number
    from {{ ref('int_activity_signals') }}
    where occurred_at is null
    group by contact_id, signal, signal_text, signal_number
),

record_field_values as (
    {#- A contact's own fields and its account's; an account's own fields; the fields of
        the opportunities naming a contact or an account, in effect from the
        opportunity's creation at the earliest. Equality joins only, one per case. #}
    {%- for entity_type, relation, record_type, key in [
        ('contact', 'contacts', 'contact', 'contact_id'),
        ('contact', 'contacts', 'account', 'account_id'),
        ('account', 'accounts', 'account', 'account_id'),
        ('contact', 'opportunities', 'opportunity', 'opportunity_id'),
        ('account', 'opportunities', 'opportunity', 'opportunity_id'),
    ] %}
        select
            '{{ entity_type }}' as entity_type,
            {{ relation }}.{{ entity_type }}_id as entity_id,
            record_fields.record_type,
            record_fields.field_name,
            record_fields.field_value,
            record_fields.field_number,
            {%- if record_type == 'opportunity' %}
                case
                    when record_fields.valid_from is null or record_fields.valid_from < {{ relation }}.created_at
                        then {{ relation }}.created_at
                    else record_fields.valid_from
                end as valid_from,
            {%- else %}
                record_fields.valid_from,
            {%- endif %}
            record_fields.valid_to,
            record_fields.observed_at is not null as is_dated
        from {{ relation }}
        inner join record_fields
            on {{ relation }}.{{ key }} = record_fields.record_id
        where record_fields.record_type = '{{ record_type }}' and {{ relation }}.{{ entity_type }}_id is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

custom_fields as (
    {#- Several opportunities of one entity may hold the same value: counted once each.
        A value replaced before its opportunity was created never held. #}
    select
        entity_type,
        entity_id,
        record_type,
        field_name,
        field_value,
        field_number,
        valid_from,
        valid_to,
        is_dated,
        count(*) as value_count
    from record_field_values
    where valid_to is null or valid_from is null or valid_to > valid_from
    group by entity_type, entity_id, record_type, field_name, field_value, field_number, valid_from, valid_to, is_dated
),

unpivoted as (
    {%- for entity_type, relation, signal, column, kind in selects %}
        select
            '{{ entity_type }}' as entity_type,
            {{ entity_type }}_id as entity_id,
            '{{ signal }}' as signal,
            cast({{ column if kind == 'text' else 'null' }} as {{ dbt.type_string() }}) as signal_text,
            cast({{ column if kind == 'number' else 'null' }} as {{ type_double() }}) as signal_number,
            1 as event_count,
            cast(null as {{ dbt.type_timestamp() }}) as valid_from,
            cast(null as {{ dbt.type_timestamp() }}) as valid_to,
            false as is_dated
        from {{ relation }}
        where {{ column }} is not null
        union all
    {%- endfor %}
    select
        entity_type,
        entity_id,
        {{ dbt.concat(['record_type', "'.'", 'field_name']) }} as signal,
        field_value as signal_text,
        field_number as signal_number,
        value_count as event_count,
        valid_from,
        valid_to,
        is_dated
    from custom_fields
    union all
    select
        'contact' as entity_type,
        contact_id as entity_id,
        signal,
        signal_text,
        signal_number,
        activity_count as event_count,
        cast(null as {{ dbt.type_timestamp() }}) as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        false as is_dated
    from undated_activities
)

select * from unpivoted
