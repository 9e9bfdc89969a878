{#- Every non-null value of `column_name` is one the raw data contract accepts in column
    `source_column` of raw table `table` (its `meta.accepted_values` in the sources YAML,
    macro contract_values): the list is written once, there. -#}
{% test accepted_contract_values(model, column_name, table, source_column) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null and not {{ in_list(column_name, contract_values(table, source_column)) }}
{% endtest %}
