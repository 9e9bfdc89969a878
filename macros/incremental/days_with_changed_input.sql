{#- For an incremental model built day by day from a model that is rebuilt on every run
    (so it has no `_load_id` to follow): a condition on `upstream` choosing the days whose
    input changed since the model last processed them, or `true` for every day.
    The model stores, on each of its rows, its day's input row count and fingerprint
    (`day_input_rows`, `day_input_fingerprint`: `count(*)` and the sum of
    `row_fingerprint(fingerprint_columns)` over the day's upstream rows), and
    `input_version`, a text standing for the rest of its inputs (for example its rules
    and its own SQL: see `input_version`).
    A day is processed again when its count or fingerprint differs, or when it is new.
    The table is dropped and rebuilt whole when `version` changed, when a day it holds
    has gone from the upstream, or when it lacks those columns. A day whose input gives
    no row at all is processed on every run (it has nowhere to store its fingerprint). -#}
{% macro days_with_changed_input(upstream, fingerprint_columns, version) -%}
    {#- Compiled for docs or lint, the model reads as a full build. #}
    {%- if not execute or not is_incremental() or flags.WHICH not in ['run', 'build', 'retry'] -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if 'input_version' not in columns or 'day_input_fingerprint' not in columns -%}
        {%- do drop_to_rebuild('has no column input_version (built by an older version)') -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set held_version = run_query('select max(input_version) from ' ~ this).rows[0][0] -%}
    {%- if held_version is not none and held_version | string != version | string -%}
        {%- do drop_to_rebuild(
            'was built from other rules or SQL (input_version ' ~ held_version ~ ', now ' ~ version ~ ')'
        ) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set comparison -%}
        with upstream_days as (
            select
                activity_date,
                count(*) as day_input_rows,
                cast(
                    sum({{ row_fingerprint(fingerprint_columns) }}) as {{ dbt.type_bigint() }}
                ) as day_input_fingerprint
            from {{ upstream }}
            group by activity_date
        ),

        held_days as (
            select
                activity_date,
                max(day_input_rows) as day_input_rows,
                max(day_input_fingerprint) as day_input_fingerprint
            from {{ this }}
            group by activity_date
        )

        select
            cast(
                coalesce(upstream_days.activity_date, held_days.activity_date) as {{ dbt.type_string() }}
            ) as activity_date,
            upstream_days.activity_date is null as is_gone
        from upstream_days
        full outer join held_days
            on upstream_days.activity_date = held_days.activity_date
        where
            held_days.activity_date is null
            or upstream_days.activity_date is null
            or upstream_days.day_input_rows <> held_days.day_input_rows
            or upstream_days.day_input_fingerprint <> held_days.day_input_fingerprint
        order by 1
    {%- endset -%}
    {%- set changed = run_query(comparison) -%}
    {%- set gone = [] -%}
    {%- for row in changed.rows if row[1] -%}
        {%- do gone.append(row) -%}
    {%- endfor -%}
    {%- if gone | length > 0 -%}
        {%- do drop_to_rebuild(
            (gone | length) ~ ' of its days (' ~ gone[0][0] ~ ' ...) are gone from ' ~ upstream.identifier
        ) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- if changed.rows | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set days = [] -%}
    {%- for row in changed.rows -%}
        {%- do days.append("cast('" ~ row[0] ~ "' as date)") -%}
    {%- endfor -%}
    {{ return('activity_date in (' ~ days | join(', ') ~ ')') }}
{%- endmacro %}
