{#- Fails for every combination of `columns` that occurs more than once (a composite key). -#}
{% test unique_combination(model, columns) %}
    {%- if columns is string or columns | length < 2 -%}
        {{ exceptions.raise_compiler_error(
            "unique_combination on " ~ model
            ~ ": `columns` must be a list of two or more column names; use `unique` for one column"
        ) }}
    {%- endif %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
