{#- Parse text into a typed value (`integer`, `numeric`, `date`, `boolean`); null when it
    does not parse. A number must be a plain decimal number below var `scorehouse_max_abs_value` in
    absolute value (no `NaN`, no infinity, nothing whose sums overflow); a date must lie
    within the valid dates (`within_valid_dates`). Booleans accept true/false, t/f, 1/0,
    yes/no, y/n in any case. -#}
{% macro parse_value(column, data_type) -%}
    {%- set text = scorehouse.clean_text(column) -%}
    {%- set number = scorehouse.try_cast(text, type_double()) -%}
    {%- set in_range = 'abs(' ~ number ~ ') < ' ~ var('scorehouse_max_abs_value') -%}
    {%- if data_type == 'integer' -%}
        case when {{ in_range }} then {{ scorehouse.try_cast(text, 'bigint') }} end
    {%- elif data_type == 'numeric' -%}
        case when {{ in_range }} then {{ number }} end
    {%- elif data_type == 'date' -%}
        {{ scorehouse.within_valid_dates(scorehouse.try_cast(text, 'date'), 'date') }}
    {%- elif data_type == 'boolean' -%}
        case
            when lower({{ text }}) in ('true', 't', '1', 'yes', 'y') then true
            when lower({{ text }}) in ('false', 'f', '0', 'no', 'n') then false
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "parse_value: unknown data_type '" ~ data_type ~ "' for column " ~ column
            ~ "; expected integer, numeric, date or boolean"
        ) }}
    {%- endif -%}
{%- endmacro %}
