{#- Firmographic and demographic attributes as signals, one row per entity and attribute,
    so that fit rules join to them like behavioural signals do. Contacts carry their own
    attributes plus their account's; accounts carry only company attributes. Null
    attributes produce no row (no points). -#}
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

unpivoted as (
    {%- for entity_type, relation, signal, column, kind in selects %}
        select
            '{{ entity_type }}' as entity_type,
            {{ entity_type }}_id as entity_id,
            '{{ signal }}' as signal,
            cast({{ column if kind == 'text' else 'null' }} as {{ dbt.type_string() }}) as signal_text,
            cast({{ column if kind == 'number' else 'null' }} as {{ type_double() }}) as signal_number
        from {{ relation }}
        where {{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from unpivoted
