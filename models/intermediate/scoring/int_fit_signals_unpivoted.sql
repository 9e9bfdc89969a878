{#- Firmographic and demographic attributes as signals, one row per entity and attribute,
    so that fit rules join to them like behavioural signals do. Contacts carry their own
    attributes plus their account's; accounts carry only company attributes. Null
    attributes produce no row (no points). -#}
{%- set text_signals = {
    'industry': 'industry_id',
    'country': 'country_code',
    'email_domain_type': 'email_domain_type',
    'seniority': 'seniority',
    'department': 'department',
} -%}
{%- set number_signals = {
    'employee_count': 'employee_count',
    'annual_revenue': 'annual_revenue',
} -%}
{%- set account_level = ['industry', 'country', 'employee_count', 'annual_revenue'] -%}

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

unpivoted as (
    {%- for entity_type, relation in [('contact', 'contacts'), ('account', 'accounts')] %}
    {%- set outer_loop = loop %}
    {%- for signal, column in text_signals.items() if entity_type == 'contact' or signal in account_level or signal == 'email_domain_type' %}
    select
        '{{ entity_type }}' as entity_type,
        {{ entity_type }}_id as entity_id,
        '{{ signal }}' as signal,
        cast({{ column }} as {{ dbt.type_string() }}) as signal_text,
        cast(null as {{ dbt.type_float() }}) as signal_number
    from {{ relation }}
    where {{ column }} is not null
    union all
    {%- endfor %}
    {%- for signal, column in number_signals.items() %}
    select
        '{{ entity_type }}' as entity_type,
        {{ entity_type }}_id as entity_id,
        '{{ signal }}' as signal,
        cast(null as {{ dbt.type_string() }}) as signal_text,
        cast({{ column }} as {{ dbt.type_float() }}) as signal_number
    from {{ relation }}
    where {{ column }} is not null
    {% if not (outer_loop.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
)

select * from unpivoted
