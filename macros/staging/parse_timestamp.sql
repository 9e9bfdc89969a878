{#- Parse ISO 8601 text into a UTC timestamp without time zone; null when it does not parse.
    An explicit offset (`Z`, `+02:00`) is honoured; text without one is read as UTC. -#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'scorehouse')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    {{ scorehouse.try_cast(scorehouse.clean_text(column), dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(column) -%}
    cast(try_cast({{ scorehouse.clean_text(column) }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}
