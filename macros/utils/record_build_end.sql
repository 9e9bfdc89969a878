{#- on-run-end: the end of this build's record in `scorehouse_meta.builds` (end time,
    success, marts built); record_build_start.sql says what the build records are for. -#}
{% macro record_build_end(results) -%}
    {{ return(adapter.dispatch('record_build_end', 'scorehouse')(results)) }}
{%- endmacro %}

{% macro default__record_build_end(results) -%}
{%- endmacro %}

{% macro duckdb__record_build_end(results) -%}
    {%- if execute and flags.WHICH in ['build', 'run', 'retry'] and project_name == 'scorehouse' -%}
        {%- set passed = ['success', 'pass', 'warn', 'no-op'] -%}
        {%- set outcome = namespace(succeeded=true) -%}
        {%- set marts = [] -%}
        {%- for result in results -%}
            {%- if result.status not in passed -%}
                {%- set outcome.succeeded = false -%}
            {%- endif -%}
            {%- if result.status == 'success' and result.node.resource_type == 'model'
                and result.node.fqn[1] == 'marts' -%}
                {%- do marts.append("'" ~ result.node.name ~ "'") -%}
            {%- endif -%}
        {%- endfor -%}
        {#- The table exists unless an earlier on-run-start hook failed. -#}
        {{ scorehouse.build_records_table() }}
        update scorehouse_meta.builds
        set
            ended_at = cast('{{ modules.datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp),
            succeeded = {{ 'true' if outcome.succeeded else 'false' }},
            marts_built = cast([{{ marts | sort | join(', ') }}] as varchar [])
        where invocation_id = '{{ invocation_id }}';
    {%- endif -%}
{%- endmacro %}
