{#- Run at the end of every dbt invocation (`on-run-end`): the BI role named by var
    `bi_reader_role` may read the marts, and nothing else. It gets USAGE on the marts'
    schemas and SELECT on their tables; the raw, staging, intermediate and config
    schemas grant it nothing. PostgreSQL only (DuckDB has no roles; a local Spark
    session no access control). A null var turns it off; a role that does not exist
    fails the run with a message saying how to create it. -#}
{% macro grant_marts_to_bi() -%}
    {{ return(adapter.dispatch('grant_marts_to_bi', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__grant_marts_to_bi() -%}
{%- endmacro %}

{% macro postgres__grant_marts_to_bi() -%}
    {%- set role = var('bi_reader_role') -%}
    {%- if execute and role -%}
        {%- set found = run_query("select 1 from pg_roles where rolname = '" ~ role ~ "'") -%}
        {%- if found.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error("var bi_reader_role names role '" ~ role ~ "', which does not exist in PostgreSQL: create it (create role " ~ role ~ " login password '...') or set the var to null") }}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.fqn[1] == 'marts' and node.schema not in schemas -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set existing = run_query(
            "select schema_name from information_schema.schemata where schema_name in ('"
            ~ (schemas | join("', '")) ~ "')"
        ).columns[0].values() -%}
        {%- for schema in existing %}
            grant usage on schema {{ adapter.quote(schema) }} to {{ adapter.quote(role) }};
            grant select on all tables in schema {{ adapter.quote(schema) }} to {{ adapter.quote(role) }};
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
