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
