{#- Join condition: a step-decayed signal aged `age_days` falls in the step window
    `windows` (a `decay_step_windows` row) of the rule's window set: min inclusive, max
    exclusive, an empty max open. -#}
{% macro in_step_window(decay_method, window_set, age_days, windows) -%}
    {{ decay_method }} = 'step'
    and {{ window_set }} = {{ windows }}.window_set
    and {{ age_days }} >= {{ windows }}.min_age_days
    and ({{ windows }}.max_age_days is null or {{ age_days }} < {{ windows }}.max_age_days)
{%- endmacro %}
