{#- Step decay: the weight of the window the age falls in (joined from
    `decay_step_windows`, min inclusive, max exclusive); 0 when no window holds it. -#}
{% macro decay_step(step_weight) -%}
    coalesce({{ step_weight }}, 0.0)
{%- endmacro %}
