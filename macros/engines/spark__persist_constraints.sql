{#- Contract constraints on Spark. Delta tables take them as table constraints
    (dbt-spark's way). Other formats (Parquet here) cannot hold a `not_null` constraint,
    so the written table is checked instead: a null in a `not_null` column fails the
    model, naming the columns. -#}
{% macro spark__persist_constraints(relation, model) -%}
    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced and config.get('file_format', 'delta') == 'delta' -%}
        {%- do alter_table_add_constraints(relation, model.constraints) -%}
        {%- do alter_column_set_constraints(relation, model.columns) -%}
    {%- elif contract_config.enforced -%}
        {%- set not_null = [] -%}
        {%- for column_name, column in model.columns.items() -%}
            {%- for constraint in column.constraints if constraint.type == 'not_null' -%}
                {%- do not_null.append(column_name) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if not_null -%}
            {%- set counts -%}
                select
                {%- for column_name in not_null %}
                    count(case when {{ column_name }} is null then 1 end) as {{ column_name }}{{ ',' if not loop.last }}
                {%- endfor %}
                from {{ relation }}
            {%- endset -%}
            {%- set row = run_query(counts).rows[0] -%}
            {%- set failing = [] -%}
            {%- for column_name in not_null -%}
                {%- if row[loop.index0] > 0 -%}
                    {%- do failing.append(column_name ~ ' (' ~ row[loop.index0] ~ ' nulls)') -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if failing -%}
                {{ exceptions.raise_compiler_error(
                    "Contract not_null constraint violated in " ~ relation ~ ": " ~ (failing | join(', '))
                ) }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
