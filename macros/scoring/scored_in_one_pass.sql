{#- True for the rules whose behavioural matches int_rule_matches_decayed scores for
    every run in one pass: repeat control `every` or `once_per_day` (a day's rows need
    no ranking against other days) and decay `none`, `exponential` or `linear` (no step
    window to join per run). int_signals_scored scores the other rules' matches one by
    one. `rules` is the alias of a scoring rules relation. -#}
{% macro scored_in_one_pass(rules) -%}
    (
        {{ rules }}.repeat_control in ('every', 'once_per_day')
        and {{ rules }}.decay_method in ('none', 'exponential', 'linear')
    )
{%- endmacro %}
