{#- Parse ISO 8601 text into a UTC timestamp without time zone; null when it does not
    parse, or falls outside the vars `scorehouse_earliest_valid_date` .. `scorehouse_latest_valid_date` (an
    absurd date, see `within_valid_dates`). An explicit offset (`Z`, `+02:00`) is
    honoured; text without one is read as UTC. -#}
{% macro parse_timestamp(column) -%}
    {{ return(scorehouse.within_valid_dates(adapter.dispatch('parse_timestamp', 'scorehouse')(column))) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    {{ scorehouse.try_cast(scorehouse.clean_text(column), dbt.type_timestamp()) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(column) -%}
    cast({{ scorehouse.try_cast(scorehouse.clean_text(column), 'timestamptz') }} at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- Text with an offset goes through timestamptz and back to UTC; text without one is
    read as it is, whatever the session's time zone. #}
{% macro postgres__parse_timestamp(column) -%}
    {%- set text = scorehouse.clean_text(column) -%}
    case
        when {{ text }} ~ ':[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'
            then {{ scorehouse.try_cast(text, 'timestamptz') }} at time zone 'UTC'
        else {{ scorehouse.try_cast(text, 'timestamp') }}
    end
{%- endmacro %}

{#- Spark reads an offset itself; text without one is read in the session's time zone,
    which the `spark` target sets to UTC. #}
{% macro spark__parse_timestamp(column) -%}
    {{ scorehouse.try_cast(scorehouse.clean_text(column), 'timestamp') }}
{%- endmacro %}
