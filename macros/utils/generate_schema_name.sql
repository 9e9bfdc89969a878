{#- Built as this project (the root project is `scorehouse`), a model's custom schema is
    used as written (staging, intermediate, marts, config) instead of dbt's default
    `<target schema>_<custom schema>`, so BI sees stable schema names. Installed as a
    package in another project, Scorehouse follows that project's target schema, with
    var `scorehouse_schema_prefix` before its own names (`<target schema>_scorehouse_marts`),
    so that two targets, or two hosts, never write into the same schemas. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif project_name == 'scorehouse' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ var('scorehouse_schema_prefix') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
