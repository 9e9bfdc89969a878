{#- Share of a signal's points left after `age_days` days, for a rule whose decay method
    and parameter are columns (so each rule has its own). Methods: `none` (always 1),
    `exponential` (half-life `param` days), `linear` (to zero over `param` days), `step`
    (weight of the step window, already joined as `step_weight`). A negative age (an
    event after the scoring date) never scores: the factor is 0. -#}
{% macro decay_factor(method, param, age_days, step_weight) -%}
    case
        when {{ age_days }} < 0 then 0.0
        when {{ method }} = 'none' then 1.0
        when {{ method }} = 'exponential' then {{ scorehouse.decay_exponential(age_days, param) }}
        when {{ method }} = 'linear' then {{ scorehouse.decay_linear(age_days, param) }}
        when {{ method }} = 'step' then {{ scorehouse.decay_step(step_weight) }}
    end
{%- endmacro %}
