{#- Parse text into a typed value (`integer`, `numeric`, `date`, `boolean`); null when it
    does not parse. Booleans accept true/false, t/f, 1/0, yes/no, y/n in any case. -#}
{% macro parse_value(column, data_type) -%}
    {%- set text = scorehouse.clean_text(column) -%}
    {%- if data_type == 'integer' -%}
        {{ scorehouse.try_cast(text, 'bigint') }}
    {%- elif data_type == 'numeric' -%}
        {{ scorehouse.try_cast(text, type_double()) }}
    {%- elif data_type == 'date' -%}
        {{ scorehouse.try_cast(text, 'date') }}
    {%- elif data_type == 'boolean' -%}
        case
            when lower({{ text }}) in ('true', 't', '1', 'yes', 'y') then true
            when lower({{ text }}) in ('false', 'f', '0', 'no', 'n') then false
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error("parse_value: unknown data_type '" ~ data_type ~ "' for column " ~ column ~ "; expected integer, numeric, date or boolean") }}
    {%- endif -%}
{%- endmacro %}
