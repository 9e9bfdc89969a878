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
