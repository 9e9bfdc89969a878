{#- Totals equal the sum of their parts: for every row of `model`, `column_name` equals
    the sum of `parts_column` over the rows of `parts_model` with the same `keys` (and
    matching `parts_condition`), within `tolerance`. A total with no parts must be 0. -#}
{% test equals_sum_of_parts(
    model, column_name, parts_model, parts_column, keys, parts_condition=none, tolerance=1e-9
) %}
    {%- if keys is string or keys | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "equals_sum_of_parts on " ~ model ~ ": `keys` must be a list of column names"
        ) }}
    {%- endif %}
with

parts as (
    select
        {{ keys | join(', ') }},
        sum({{ parts_column }}) as parts_total
    from {{ parts_model }}
    {%- if parts_condition %}
    where {{ parts_condition }}
    {%- endif %}
    group by {{ keys | join(', ') }}
),

compared as (
    select
        {%- for key in keys %}
        totals.{{ key }},
        {%- endfor %}
        totals.{{ column_name }} as total,
        coalesce(parts.parts_total, 0) as parts_total
    from {{ model }} as totals
    left join parts
        on
        {%- for key in keys %}
            totals.{{ key }} = parts.{{ key }}{% if not loop.last %} and{% endif %}
        {%- endfor %}
)

select * from compared
where abs(total - parts_total) > {{ tolerance }}
{% endtest %}
