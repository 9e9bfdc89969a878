{#- Drop this incremental model's table, so that the run rebuilds it from every row, and
    log why. Only when the model really runs (not when it is compiled for docs or lint). -#}
{% macro drop_to_rebuild(reason) -%}
    {{ log('scorehouse: ' ~ this.identifier ~ ' ' ~ reason ~ ': rebuilding it from every row', info=true) }}
    {%- if flags.WHICH in ['run', 'build', 'retry'] -%}
        {%- do adapter.drop_relation(load_relation(this)) -%}
    {%- endif -%}
{%- endmacro %}
