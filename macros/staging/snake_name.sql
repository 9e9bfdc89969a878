{#- A name as rules write it: trimmed, lower case, every run of other characters than
    letters and digits turned into `_`, none at either end (`Lead Source` → `lead_source`,
    `Webinar attended!` → `webinar_attended`); null when empty. `trim(both ... from ...)`
    is spelt alike on DuckDB, PostgreSQL and Spark (their two-argument trims differ). -#}
{% macro snake_name(column) -%}
    nullif(trim(both '_' from {{ scorehouse.regexp_replace_all(
        'lower(' ~ scorehouse.clean_text(column) ~ ')', "'[^a-z0-9]+'", "'_'"
    ) }}), '')
{%- endmacro %}
