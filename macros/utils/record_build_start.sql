{#- Build records: every `dbt build` and `dbt run` (and a `dbt retry` of one) writes one
    row into `scorehouse_meta.builds` of the DuckDB warehouse, keyed by dbt's
    `invocation_id`:

    - on-run-start (record_build_start): the command, the scoring date (var
      `as_of_date`, resolved as the models resolve it) and the start time (UTC);
    - on-run-end (record_build_end): the end time, whether every node succeeded (a test
      that only warns counts as success), and the marts (models of models/marts) it
      built successfully;
    - the quality gate (scorehouse/checks.py) adds its verdict (`checked_at`,
      `checks_passed`).

    `scorehouse publish` (scorehouse/publish.py) reads the latest row of a build that
    may have replaced a BI mart (one with no end, or one that built a mart) and refuses
    the warehouse if that build did not finish (killed), failed, left out a BI mart (a
    `--select` build or a retry) or lacks a passed quality gate: the BI marts it
    publishes all come from one complete, checked build. Other commands (test, compile,
    seed, source freshness, docs, parse) record nothing. DuckDB only: on PostgreSQL and
    Spark, which `scorehouse publish` never reads, the hooks do nothing; nor in a project
    that installs Scorehouse as a package (`project_name`, the root project, is another),
    which publishes its own way. -#}
{% macro record_build_start() -%}
    {{ return(adapter.dispatch('record_build_start', 'scorehouse')()) }}
{%- endmacro %}

{% macro default__record_build_start() -%}
{%- endmacro %}

{% macro duckdb__record_build_start() -%}
    {%- if execute and flags.WHICH in ['build', 'run', 'retry'] and project_name == 'scorehouse' -%}
        {{ scorehouse.build_records_table() }}
        insert into scorehouse_meta.builds (invocation_id, command, as_of_date, started_at)
        values (
            '{{ invocation_id }}',
            '{{ flags.WHICH }}',
            cast({{ scorehouse.as_of_timestamp() }} as date),
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
        );
    {%- endif -%}
{%- endmacro %}
