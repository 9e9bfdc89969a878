{#- How many usable copies of `key` (rows without a `row_problem`) the model already
    holds from earlier loads: added to the copy number so that an event re-delivered by a
    later load is quarantined as a duplicate, exactly as a full rebuild would. `outer` is
    the CTE whose rows are being numbered. -#}
{% macro earlier_copies(key, watermark, outer='judged') -%}
    {%- if watermark is none -%}
        0
    {%- else -%}
        coalesce((
            select count(*) from {{ this }} as earlier
            where earlier.{{ key }} = {{ outer }}.{{ key }} and earlier.row_problem is null
        ), 0)
    {%- endif -%}
{%- endmacro %}
