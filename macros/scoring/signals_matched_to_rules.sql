{#- The `from` and `where` of a query that matches signals to the scoring rules: each
    row of `signals` (a CTE with signal, entity_type, signal_text, signal_number) with
    every rule of CTE `rules` (int_scoring_rules_checked) that matches it (macro
    rule_matches_signal) and can score its entity type (macro rule_applies_to_entity,
    through CTE `scoring_models`). Behavioural signals (int_rule_matches_daily) and
    attributes and run signals (int_rule_matches_by_run) are matched by it alike.
    Each signal's text is lowered and trimmed once (`signal_match_text`), not once per
    rule it meets: that was a fifth of int_rule_matches_daily's time. -#}
{% macro signals_matched_to_rules(signals) -%}
    from (select *, lower(trim(signal_text)) as signal_match_text from {{ signals }}) as {{ signals }}
    inner join rules
        on {{ signals }}.signal = rules.signal
    inner join scoring_models
        on rules.model_id = scoring_models.model_id
    where
        {{ scorehouse.rule_applies_to_entity('rules', 'scoring_models', signals ~ '.entity_type') }}
        and {{ scorehouse.rule_matches_signal('rules', signals, signals ~ '.signal_match_text') }}
{%- endmacro %}
