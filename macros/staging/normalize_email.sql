{#- Lower-cased, trimmed email; null unless it looks like `local@domain.tld`. -#}
{% macro normalize_email(column) -%}
    case
        when lower({{ scorehouse.clean_text(column) }}) like '%_@_%._%'
            and lower({{ scorehouse.clean_text(column) }}) not like '% %'
            and lower({{ scorehouse.clean_text(column) }}) not like '%@%@%'
            then lower({{ scorehouse.clean_text(column) }})
    end
{%- endmacro %}
