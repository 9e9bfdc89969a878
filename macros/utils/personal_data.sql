{#- A personal-data column for a BI-facing mart: the expression when var
    `scorehouse_expose_personal_data` is true, null otherwise. Marts keep the column either way, so
    their contract does not change; keys are CRM ids, never emails or names. The null is
    typed with the contract's text type (var `scorehouse_text_type`). -#}
{% macro personal_data(expression) -%}
    {%- set expose = var('scorehouse_expose_personal_data') -%}
    {%- if expose is not boolean -%}
        {{ exceptions.raise_compiler_error(
            "var scorehouse_expose_personal_data must be true or false, got '" ~ expose ~ "'"
        ) }}
    {%- endif -%}
    {%- if expose -%}
        {{ expression }}
    {%- else -%}
        cast(null as {{ var('scorehouse_text_type')[target.type] }})
    {%- endif -%}
{%- endmacro %}
