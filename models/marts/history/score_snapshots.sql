{#- The scores of one scoring date, appended to the history: one row per entity, model
    and date, from the BI marts, with the version of the model's configuration that
    scored them (`rule_set_version`) and, when some model's version changed since the
    previous date in the history, the entity's scores on that date rescored under this
    date's configuration (`restated_*`, from int_scores_restated; null otherwise).
    score_alerts splits each move into what the configuration moved and what behaviour
    moved with them. Each run replaces its own date exactly (delete+insert on
    `as_of_date`), so re-running a date changes nothing and a backfill can run dates in
    any order (on Spark: insert_overwrite of the date's partition, see macro
    `replace_dates_config`). `full_refresh=false`: a --full-refresh rebuilds everything
    else but never erases the history. `on_schema_change='append_new_columns'`: a
    column added here is added to a history written before it, whose rows keep null
    there (a version unknown), on DuckDB, PostgreSQL and Spark; nothing is dropped. New
    columns go before `as_of_date`, which Spark wants last. A mart, since it is the one
    state a build cannot rebuild; it reads the other marts, and no intermediate model
    reads it. Its first build takes over the history an earlier release kept in
    `int_score_snapshots` (macro legacy_score_history), so upgrading loses no date. -#}
{{ replace_dates_config('as_of_date') }}
{{ config(on_schema_change='append_new_columns', full_refresh=false) }}

with

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

account_scores as (
    select * from {{ ref('account_scores') }}
),

customer_health as (
    select * from {{ ref('customer_health') }}
),

restated as (
    select * from {{ ref('int_scores_restated') }}
),

{%- set legacy = none if is_incremental() else legacy_score_history() %}

snapshots as (
    select
        'contact' as entity_type,
        contact_id as entity_id,
        model_id,
        lead_grade as grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        fit_score,
        engagement_score,
        total_score,
        is_mql,
        is_sql,
        rule_set_version,
        scored_as_of as as_of_date
    from lead_scores

    union all

    select
        'account' as entity_type,
        account_id as entity_id,
        model_id,
        account_grade as grade,
        cast(null as {{ dbt.type_string() }}) as value_tier,
        fit_score,
        engagement_score,
        total_score,
        false as is_mql,
        false as is_sql,
        rule_set_version,
        scored_as_of as as_of_date
    from account_scores

    union all

    select
        'account' as entity_type,
        account_id as entity_id,
        model_id,
        cast(null as {{ dbt.type_string() }}) as grade,
        value_tier,
        financial_score as fit_score,
        engagement_score,
        health_score as total_score,
        false as is_mql,
        false as is_sql,
        rule_set_version,
        scored_as_of as as_of_date
    from customer_health
),

with_restated as (
    select
        snapshots.entity_type,
        snapshots.entity_id,
        snapshots.model_id,
        snapshots.grade,
        snapshots.value_tier,
        snapshots.fit_score,
        snapshots.engagement_score,
        snapshots.total_score,
        snapshots.is_mql,
        snapshots.is_sql,
        snapshots.rule_set_version,
        restated.as_of_date as restated_as_of_date,
        restated.grade as restated_grade,
        restated.value_tier as restated_value_tier,
        restated.total_score as restated_total_score,
        restated.is_mql as restated_is_mql,
        restated.is_sql as restated_is_sql,
        snapshots.as_of_date
    from snapshots
    left join restated
        on
            snapshots.entity_type = restated.entity_type
            and snapshots.entity_id = restated.entity_id
            and snapshots.model_id = restated.model_id
),

{%- if legacy is not none %}
{%- set legacy_columns = adapter.get_columns_in_relation(legacy) | map(attribute='name') | map('lower') | list %}
{%- set text, number = dbt.type_string(), type_double() %}
{%- set columns = [
    ('entity_type', text), ('entity_id', text), ('model_id', text), ('grade', text), ('value_tier', text),
    ('fit_score', number), ('engagement_score', number), ('total_score', number), ('is_mql', dbt.type_boolean()),
    ('is_sql', dbt.type_boolean()), ('rule_set_version', text), ('restated_as_of_date', 'date'),
    ('restated_grade', text), ('restated_value_tier', text), ('restated_total_score', number),
    ('restated_is_mql', dbt.type_boolean()), ('restated_is_sql', dbt.type_boolean()), ('as_of_date', 'date'),
] %}

taken_over as (
    {#- The dates of the earlier release's history that this build does not score; a
        column that history did not have yet is null (unknown), as on_schema_change
        would have left it. #}
    select
        {%- for column, type in columns %}
            {% if column in legacy_columns %}legacy.{{ column }}{% else %}cast(null as {{ type }}){% endif %}
                as {{ column }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ legacy }} as legacy
    where legacy.as_of_date not in (select snapshots.as_of_date from snapshots)
),
{%- endif %}

final as (
    select * from with_restated
    {%- if legacy is not none %}
        union all
        select * from taken_over
    {%- endif %}
)

select * from final
