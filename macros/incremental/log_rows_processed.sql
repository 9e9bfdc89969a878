{#- Log how many upstream rows this run processes, and of how many: the evidence that
    a daily run's cost follows the new data. `condition` selects the processed rows. -#}
{% macro log_rows_processed(upstream, condition='true') -%}
    {%- if execute and flags.WHICH in ['run', 'build', 'retry'] -%}
        {%- set processed = run_query('select count(*) from ' ~ upstream ~ ' where ' ~ condition).rows[0][0] -%}
        {%- set total = run_query('select count(*) from ' ~ upstream).rows[0][0] -%}
        {{ log(
            'scorehouse: rows processed: ' ~ this.identifier ~ ' ' ~ processed ~ ' of ' ~ total
            ~ ' rows of ' ~ upstream.identifier, info=true
        ) }}
    {%- endif -%}
{%- endmacro %}
