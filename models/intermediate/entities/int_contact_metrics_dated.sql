{#- Contact metrics per run and contact, from data known before the run's date:
    - `days_inactive`: fractional days since the contact's last activity (the signals of
      var `scorehouse_activity_signals`), or since it was created if there was none;
    - `account_active_days`: the days, among the `scorehouse_metric_recent_days` before the date, on
      which the contact's account was active (page views of any of its people: the
      buying group's interest); null for a contact without an account.
    They become numeric signals that rules match with `between`. -#}
{%- set recent = var('scorehouse_metric_recent_days') | int %}
{%- set runs_list = scoring_runs() %}
{%- set run_days_back = [] %}
{%- for run in runs_list if run.days_back not in run_days_back %}
    {%- do run_days_back.append(run.days_back) %}
{%- endfor %}

with

runs as (
    select * from {{ ref('int_scoring_runs') }}
),

contacts as (
    select * from {{ ref('int_contacts_enriched') }}
),

engagement_signals as (
    select * from {{ ref('int_engagement_signals_unioned') }}
),

activity_days as (
    {#- Activity per entity and day: a few rows per day, not one per page. #}
    select
        entity_type,
        entity_id,
        activity_date,
        known_from,
        max(last_occurred_at) as last_occurred_at
    from engagement_signals
    where {{ in_list('signal', var('scorehouse_activity_signals')) }}
    group by entity_type, entity_id, activity_date, known_from
),

contact_last_activity as (
    {#- One pass over the contacts' activity days: per contact, the last activity each
        run's date can see, one conditional max per distinct date (the dates of macro
        scoring_runs, as int_rule_points_decayed takes them). Joined to the runs
        instead, every activity day was paired with every run: 7 times the rows, then a
        group-by over them. -#}
    select
        entity_id as contact_id,
        {%- for days_back in run_days_back %}
            {%- set as_of = run_as_of_at({'days_back': days_back}) %}
            {%- set last_seen %}
                max(case when {{ as_of }} > last_occurred_at and {{ as_of }} > known_from then last_occurred_at end)
            {%- endset %}
            {{ last_seen }} as last_occurred_at_{{ loop.index }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from activity_days
    where entity_type = 'contact'
    group by entity_id
),

contact_last_activity_by_run as (
    {%- for run in runs_list %}
        select
            '{{ run.run_id }}' as run_id,
            contact_id,
            last_occurred_at_{{ run_days_back.index(run.days_back) + 1 }} as last_occurred_at
        from contact_last_activity
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

last_activity as (
    select
        runs.run_id,
        contacts.contact_id,
        contacts.account_id,
        coalesce(contact_last_activity_by_run.last_occurred_at, contacts.created_at) as last_active_at,
        runs.as_of_at
    from contacts
    inner join runs
        on contacts.created_at < runs.as_of_at
    left join contact_last_activity_by_run
        on
            runs.run_id = contact_last_activity_by_run.run_id
            and contacts.contact_id = contact_last_activity_by_run.contact_id
),

account_activity as (
    {#- Per run and account, then given to each of its contacts: counted per contact, the
        account's days were paired with every one of its people. #}
    select
        runs.run_id,
        activity_days.entity_id as account_id,
        count(distinct activity_days.activity_date) as account_active_days
    from runs
    inner join activity_days
        on
            activity_days.entity_type = 'account'
            and activity_days.activity_date < cast(runs.as_of_at as date)
            and activity_days.activity_date >= cast({{ dbt.dateadd('day', -recent, 'runs.as_of_at') }} as date)
            and runs.as_of_at > activity_days.known_from
    group by runs.run_id, activity_days.entity_id
),

final as (
    select
        last_activity.run_id,
        last_activity.contact_id,
        last_activity.last_active_at,
        {{ age_in_days('last_activity.last_active_at', 'last_activity.as_of_at') }} as days_inactive,
        case
            when last_activity.account_id is not null
                then cast(coalesce(account_activity.account_active_days, 0) as {{ type_double() }})
        end as account_active_days
    from last_activity
    left join account_activity
        on
            last_activity.run_id = account_activity.run_id
            and last_activity.account_id = account_activity.account_id
)

select * from final
