{#- Configures an incremental model in which each run replaces the dates it writes,
    whole: call it at the top of the model, `{{ replace_dates_config('as_of_date') }}`.
    DuckDB and PostgreSQL delete and insert the run's dates (`delete+insert` on
    `date_column`). Spark without Delta cannot delete rows, so it overwrites the
    date partitions (`insert_overwrite`, partitioned by `date_column`; Spark wants the
    partition column last in the select). -#}
{% macro replace_dates_config(date_column) -%}
    {{ return(adapter.dispatch('replace_dates_config', 'scorehouse')(date_column)) }}
{%- endmacro %}

{% macro default__replace_dates_config(date_column) -%}
    {{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=date_column) }}
{%- endmacro %}

{% macro spark__replace_dates_config(date_column) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='insert_overwrite',
        partition_by=[date_column],
        file_format='parquet',
    ) }}
{%- endmacro %}
