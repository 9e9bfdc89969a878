{#- Cast that yields null instead of failing when the text does not convert. Every
    engine casts only text that has the shape of the type (a plain decimal number, an
    ISO 8601 date or date-time, see `number_pattern` and `iso_datetime_pattern`), so
    that they agree: DuckDB's own try_cast also accepts `NaN`, `inf`, `0x10`, `1_000`
    and `infinity` as a timestamp, PostgreSQL has no try_cast, and Spark's accepts
    other forms. PostgreSQL also checks the day of the month. Integers are rounded half
    away from zero, as DuckDB casts `1.5`. -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'scorehouse')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    {%- set type_name = data_type | lower | trim -%}
    {%- if type_name in ['bigint', 'integer', 'int', 'smallint', 'double', 'float', 'real', 'numeric']
        or type_name.startswith('decimal') -%}
        case when regexp_matches({{ expression }}, '{{ scorehouse.number_pattern() }}')
            then try_cast({{ expression }} as {{ data_type }}) end
    {%- elif type_name == 'date' -%}
        case when regexp_matches({{ expression }}, '{{ scorehouse.iso_datetime_pattern() }}')
            then try_cast(substr({{ expression }}, 1, 10) as date) end
    {%- elif type_name.startswith('timestamp') -%}
        case when regexp_matches({{ expression }}, '{{ scorehouse.iso_datetime_pattern() }}')
            then try_cast({{ expression }} as {{ data_type }}) end
    {%- else -%}
        try_cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}

{% macro postgres__try_cast(expression, data_type) -%}
    {%- set type_name = data_type | lower | trim -%}
    {%- if type_name in ['bigint', 'integer', 'int', 'smallint'] -%}
        case when {{ expression }} ~ '{{ scorehouse.number_pattern() }}'
            then cast(round(cast({{ expression }} as numeric)) as {{ data_type }}) end
    {%- elif type_name == 'real' -%}
        {#- Single precision, as DuckDB and Spark parse `float`, but widened to double:
            PostgreSQL would add up `real` values in single precision, the others in double. #}
        case when {{ expression }} ~ '{{ scorehouse.number_pattern() }}'
            then cast(cast({{ expression }} as real) as double precision) end
    {%- elif type_name in ['double precision', 'float', 'float8', 'numeric'] -%}
        case when {{ expression }} ~ '{{ scorehouse.number_pattern() }}'
            then cast({{ expression }} as {{ data_type }}) end
    {%- elif type_name == 'date' or type_name.startswith('timestamp') -%}
        {#- The pattern checks each field's range; the inner case the day of the month. #}
        case when {{ expression }} ~ '{{ scorehouse.iso_datetime_pattern() }}' then
            case
                when cast(substr({{ expression }}, 9, 2) as integer) <= extract(day from
                    make_date(
                        cast(substr({{ expression }}, 1, 4) as integer),
                        cast(substr({{ expression }}, 6, 2) as integer),
                        1
                    )
                    + interval '1 month - 1 day')
                    then cast(
                        {{ expression if type_name != 'date' else 'substr(' ~ expression ~ ', 1, 10)' }}
                        as {{ data_type }}
                    )
            end
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "try_cast on postgres: unsupported data_type '" ~ data_type
            ~ "' (expected an integer, real, double precision, numeric, date or timestamp type)"
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__try_cast(expression, data_type) -%}
    {%- set type_name = data_type | lower | trim -%}
    {%- if type_name in ['bigint', 'integer', 'int', 'smallint'] -%}
        case when {{ expression }} rlike '{{ scorehouse.number_pattern() }}'
            then cast(round(cast({{ expression }} as decimal(38, 9)), 0) as {{ data_type }}) end
    {%- elif type_name in ['float', 'double', 'real'] -%}
        case when {{ expression }} rlike '{{ scorehouse.number_pattern() }}'
            then try_cast({{ expression }} as {{ data_type }}) end
    {%- elif type_name == 'date' -%}
        case when {{ expression }} rlike '{{ scorehouse.iso_datetime_pattern() }}'
            then try_cast(substr({{ expression }}, 1, 10) as date) end
    {%- elif type_name.startswith('timestamp') -%}
        case when {{ expression }} rlike '{{ scorehouse.iso_datetime_pattern() }}'
            then try_cast({{ expression }} as {{ data_type }}) end
    {%- else -%}
        try_cast({{ expression }} as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
