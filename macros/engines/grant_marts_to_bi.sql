{#- Run at the start of every dbt invocation (`on-run-start`): the BI role named by var
    `scorehouse_bi_reader_role` may read the marts, and nothing else. It gets USAGE on the marts'
    schemas (created here if need be), SELECT on their tables, and SELECT on every table
    the build's role creates there from now on (default privileges): a mart rebuilt by
    this run, or by a run killed half-way, is readable by BI as soon as it replaces the
    old one, never "permission denied". dbt-postgres builds a table under a temporary
    name and renames it over the old one in one transaction, so BI reads the old mart or
    the new one, never a half-built one. The raw, staging, intermediate and config
    schemas grant it nothing. PostgreSQL only (DuckDB has no roles; a local Spark
    session no access control). A null var turns it off; a role that does not exist
    fails the run with a message saying how to create it. -#}
{% macro grant_marts_to_bi() -%}
    {{ return(adapter.dispatch('grant_marts_to_bi', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__grant_marts_to_bi() -%}
{%- endmacro %}

{% macro postgres__grant_marts_to_bi() -%}
    {%- set role = var('scorehouse_bi_reader_role') -%}
    {%- if execute and role -%}
        {%- set found = run_query("select 1 from pg_roles where rolname = '" ~ role ~ "'") -%}
        {%- if found.rows | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "var scorehouse_bi_reader_role names role '" ~ role ~ "', which does not exist in PostgreSQL: "
                ~ "create it (create role " ~ role ~ " login password '...') or set the var to null"
            ) }}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.fqn[1] == 'marts' and node.schema not in schemas -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for schema in schemas %}
            create schema if not exists {{ adapter.quote(schema) }};
            grant usage on schema {{ adapter.quote(schema) }} to {{ adapter.quote(role) }};
            alter default privileges in schema {{ adapter.quote(schema) }}
                grant select on tables to {{ adapter.quote(role) }};
            grant select on all tables in schema {{ adapter.quote(schema) }} to {{ adapter.quote(role) }};
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
