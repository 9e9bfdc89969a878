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
    {{ log('scorehouse: ' ~ this.identifier ~ ' ' ~ reason ~ ': rebuilding it from every row', info=true) }}
    {%- if flags.WHICH in ['run', 'build', 'retry'] -%}
        {%- do adapter.drop_relation(load_relation(this)) -%}
    {%- endif -%}
    {{ return(none) }}
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
    `event_lookback_days` days it holds, and every older day that a load after its
    watermark brought events for (late events, whatever their age). -#}
{% macro days_to_reaggregate(day_expression, upstream, watermark) -%}
    {%- if watermark is not none -%}
        {%- set lookback = var('event_lookback_days') -%}
        {%- if lookback is not number or lookback < 0 -%}
            {{ exceptions.raise_compiler_error(
                "var event_lookback_days must be a whole number of days >= 0, got '" ~ lookback ~ "'"
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
