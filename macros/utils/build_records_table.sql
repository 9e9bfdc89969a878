{#- The build records table, created when missing (statements for a hook). -#}
{% macro build_records_table() -%}
    create schema if not exists scorehouse_meta;
    create table if not exists scorehouse_meta.builds (
        invocation_id varchar primary key,
        command varchar not null,
        as_of_date date,
        started_at timestamp not null,
        ended_at timestamp,
        succeeded boolean,
        marts_built varchar [],
        checked_at timestamp,
        checks_passed boolean
    );
{%- endmacro %}
