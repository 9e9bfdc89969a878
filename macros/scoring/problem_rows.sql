{#- The union of `selects` (queries with columns seed_name, row_key, problem), or an
    empty query with those columns when there is none: how seed_problems and
    var_problems return their problems. -#}
{% macro problem_rows(selects) -%}
    {%- if selects -%}
        {{ selects | join('\n    union all\n    ') }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as seed_name,
            cast(null as {{ dbt.type_string() }}) as row_key,
            cast(null as {{ dbt.type_string() }}) as problem
        where 1 = 0
    {%- endif -%}
{%- endmacro %}
