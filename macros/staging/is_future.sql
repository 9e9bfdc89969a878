{#- True when an event time lies after the row's load time plus `scorehouse_future_tolerance_hours`:
    the event cannot have happened yet when it was delivered. -#}
{% macro is_future(timestamp_column) -%}
    ({{ timestamp_column }} > {{ dbt.dateadd('hour', var('scorehouse_future_tolerance_hours'), '_loaded_at') }})
{%- endmacro %}
