{#- Incremental processing by load. Every raw row carries the `_load_id` of the load that
    delivered it (see `scorehouse load --append`). An incremental model remembers the
    highest `_load_id` it has processed (its watermark, in `watermark_column`) and, on the
    next run, processes only what later loads brought.

    `load_watermark(upstream, watermark_column, own_rows)` returns that watermark, or
    none when the model must be built from every upstream row: on its first build, on
    --full-refresh, when the upstream no longer holds the rows the model was built from
    (a replacing load, or a rebuilt upstream model), and when the model was built by an
    older version without the watermark column. In the last two cases the model's table
    is dropped first, so that the rebuild is exact, and a log line says why.
    `own_rows` counts the upstream rows the model's rows stand for. -#}
{% macro load_watermark(upstream, watermark_column='_load_id', own_rows='count(*)') -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if watermark_column not in columns -%}
        {%- set reason = 'has no column ' ~ watermark_column ~ ' (built by an older version)' -%}
    {%- else -%}
        {%- set own = run_query(
            'select coalesce(max(' ~ watermark_column ~ '), -1), coalesce(' ~ own_rows ~ ', 0) from ' ~ this
        ).rows[0] -%}
        {%- set watermark = own[0] | int -%}
        {%- set upstream_rows = run_query(
            'select count(*) from ' ~ upstream ~ ' where _load_id <= ' ~ watermark
        ).rows[0][0] | int -%}
        {%- if upstream_rows == own[1] | int -%}
            {{ return(watermark) }}
        {%- endif -%}
        {%- set reason = 'was built from ' ~ own[1] ~ ' rows of ' ~ upstream.identifier ~ ' up to load '
            ~ watermark ~ ', which now holds ' ~ upstream_rows ~ ' (replaced or rebuilt)' -%}
    {%- endif -%}
    {%- do drop_to_rebuild(reason) -%}
    {{ return(none) }}
{%- endmacro %}


{#- Drop this incremental model's table, so that the run rebuilds it from every row, and
    log why. Only when the model really runs (not when it is compiled for docs or lint). -#}
{% macro drop_to_rebuild(reason) -%}
    {{ log('scorehouse: ' ~ this.identifier ~ ' ' ~ reason ~ ': rebuilding it from every row', info=true) }}
    {%- if flags.WHICH in ['run', 'build', 'retry'] -%}
        {%- do adapter.drop_relation(load_relation(this)) -%}
    {%- endif -%}
{%- endmacro %}


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
        {%- do drop_to_rebuild('was built from other rules or SQL (input_version ' ~ held_version ~ ', now ' ~ version ~ ')') -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set comparison -%}
        with upstream_days as (
            select
                activity_date,
                count(*) as day_input_rows,
                cast(sum({{ row_fingerprint(fingerprint_columns) }}) as {{ dbt.type_bigint() }}) as day_input_fingerprint
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
            cast(coalesce(upstream_days.activity_date, held_days.activity_date) as {{ dbt.type_string() }}) as activity_date,
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
        {%- do drop_to_rebuild((gone | length) ~ ' of its days (' ~ gone[0][0] ~ ' ...) are gone from ' ~ upstream.identifier) -%}
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


{#- Log how many upstream rows this run processes, and of how many: the evidence that
    a daily run's cost follows the new data. `condition` selects the processed rows. -#}
{% macro log_rows_processed(upstream, condition='true') -%}
    {%- if execute and flags.WHICH in ['run', 'build', 'retry'] -%}
        {%- set processed = run_query('select count(*) from ' ~ upstream ~ ' where ' ~ condition).rows[0][0] -%}
        {%- set total = run_query('select count(*) from ' ~ upstream).rows[0][0] -%}
        {{ log(
            'scorehouse: rows processed: ' ~ this.identifier ~ ' ' ~ processed ~ ' of ' ~ total
            ~ ' rows of ' ~ upstream.identifier, info=true
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- The rows of a raw table an incremental base model processes: all of them, or only
    those of loads after its watermark. -#}
{% macro rows_of_new_loads(watermark) -%}
    {%- if watermark is not none -%}
        where _load_id > {{ watermark }}
    {%- endif -%}
{%- endmacro %}


{#- How many usable copies of `key` (rows without a `row_problem`) the model already
    holds from earlier loads: added to the copy number so that an event re-delivered by a
    later load is quarantined as a duplicate, exactly as a full rebuild would. `outer` is
    the CTE whose rows are being numbered. -#}
{% macro earlier_copies(key, watermark, outer='judged') -%}
    {%- if watermark is none -%}
        0
    {%- else -%}
        coalesce((
            select count(*) from {{ this }} as earlier
            where earlier.{{ key }} = {{ outer }}.{{ key }} and earlier.row_problem is null
        ), 0)
    {%- endif -%}
{%- endmacro %}


{#- The days a daily aggregate re-aggregates on an incremental run: the last
    `scorehouse_event_lookback_days` days it holds, and every older day that a load after its
    watermark brought events for (late events, whatever their age). -#}
{% macro days_to_reaggregate(day_expression, upstream, watermark) -%}
    {%- if watermark is not none -%}
        {%- set lookback = var('scorehouse_event_lookback_days') -%}
        {%- if lookback is not number or lookback < 0 -%}
            {{ exceptions.raise_compiler_error(
                "var scorehouse_event_lookback_days must be a whole number of days >= 0, got '" ~ lookback ~ "'"
            ) }}
        {%- endif -%}
        {%- set latest = run_query('select max(activity_date) from ' ~ this).rows[0][0] -%}
        (
            {%- if latest is not none %}
                {{ day_expression }} > cast('{{ (latest - modules.datetime.timedelta(days=lookback | int)) }}' as date)
                or
            {%- endif %}
            {{ day_expression }} in (
                select {{ day_expression }} from {{ upstream }} where _load_id > {{ watermark }}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- The body of a daily event aggregate: staged events of `upstream` counted per day and
    `grain` columns, with the first and last event time and the highest `_load_id`. On an
    incremental run only the days chosen by days_to_reaggregate are rebuilt, and replaced
    whole (replace_dates_config on `activity_date`, last in the select for Spark). -#}
{% macro events_by_day(upstream, grain) -%}
{{ replace_dates_config('activity_date') }}
{%- set watermark = load_watermark(upstream, 'max_load_id', 'sum(event_count)') -%}
{%- set days = days_to_reaggregate('cast(occurred_at as date)', upstream, watermark) -%}
{%- do log_rows_processed(upstream, days) -%}
with

events as (
    select * from {{ upstream }}
    where {{ days }}
),

daily as (
    select
        {%- for column in grain %}
            {{ column }},
        {%- endfor %}
        count(*) as event_count,
        min(occurred_at) as first_occurred_at,
        max(occurred_at) as last_occurred_at,
        max(_load_id) as max_load_id,
        cast(occurred_at as date) as activity_date
    from events
    group by cast(occurred_at as date), {{ grain | join(', ') }}
)

select * from daily
{%- endmacro %}


{#- log_rows_processed for a model that processes the rows of loads after `watermark`. -#}
{% macro log_new_loads(upstream, watermark) -%}
    {%- do log_rows_processed(upstream, '_load_id > ' ~ (watermark if watermark is not none else -1)) -%}
{%- endmacro %}


{#- The `input_version` of a model built with days_with_changed_input: `parts` (numbers
    or texts standing for its other inputs, such as a fingerprint of its rules) and the
    md5 of the model's own SQL, so that a change of either rebuilds it. -#}
{% macro input_version(parts) -%}
    {{ return((parts + [local_md5(model.raw_code)[:12]]) | join('-')) }}
{%- endmacro %}
