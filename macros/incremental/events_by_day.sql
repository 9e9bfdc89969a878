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
