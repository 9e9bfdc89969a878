{#- Rank of a row among the rows sharing `key`: 1 is kept, the rest are duplicates.
    keep='first' keeps the first delivered copy (events); keep='latest' keeps the most
    recently loaded, last-written row (CRM records, where a later row is an update).
    `problem`, when given, is a column that is null for a usable row: usable copies rank
    before unusable ones, so an event whose first copy was unusable (say, an unparseable
    timestamp) is kept from a later, usable copy instead of being lost. -#}
{% macro copy_number(key, keep='first', problem=none) -%}
    {%- if keep == 'first' -%}
        {%- set order = '_load_id, _source_file, _source_row' -%}
    {%- elif keep == 'latest' -%}
        {%- set order = '_load_id desc, _source_file desc, _source_row desc' -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("copy_number: keep must be 'first' or 'latest', got '" ~ keep ~ "'") }}
    {%- endif -%}
    {%- if problem is not none -%}
        {%- set order = 'case when ' ~ problem ~ ' is null then 0 else 1 end, ' ~ order -%}
    {%- endif -%}
    row_number() over (partition by {{ key }} order by {{ order }})
{%- endmacro %}
