{#- One row per raw table and outcome: how many raw rows were staged, and how many were
    quarantined for each reason. Every raw row is counted exactly once. -#}
{%- set base_models = {
    'accounts': 'base_crm__accounts',
    'contacts': 'base_crm__contacts',
    'opportunities': 'base_crm__opportunities',
    'record_fields': 'base_crm__record_fields',
    'activities': 'base_crm__activities',
    'page_views': 'base_marketing__page_views',
    'email_events': 'base_marketing__email_events',
    'form_submissions': 'base_marketing__form_submissions',
    'product_usage_events': 'base_product__usage_events',
    'support_tickets': 'base_support__tickets',
    'nps_responses': 'base_support__nps_responses',
    'invoices': 'base_billing__invoices',
} -%}

with

{% for source_table, base_model in base_models.items() %}
    {{ base_model }} as (
        select
            '{{ source_table }}' as source_table,
            coalesce(quarantine_reason, 'staged') as row_outcome
        from {{ ref(base_model) }}
    ),
{% endfor %}

unioned as (
    {% for base_model in base_models.values() %}
        select * from {{ base_model }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

counted as (
    select
        source_table,
        row_outcome,
        count(*) as row_count
    from unioned
    group by source_table, row_outcome
)

select * from counted
