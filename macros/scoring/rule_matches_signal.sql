{#- Join condition: the scoring rule `rules` (a relation with int_scoring_rules_checked's
    columns) matches the signal row `signals` (already joined on the signal name).
    Text comparisons ignore case and surrounding white space; `rules.match_text` is the
    rule's value prepared for them (int_scoring_rules_checked).
    - `any`: every row;
    - `equals`: the text equals the value;
    - `in`: the text equals one of the values of a `|`-separated list;
    - `contains`: the text contains the value as a literal substring (`%` and `_` are
      plain characters);
    - `between`: the number, min inclusive, max exclusive, an empty bound open;
    - `is_true`: the text is `true`, `t`, `yes`, `y` or `1`;
    - `is_present`: the signal has a non-empty text or a number;
    - `equals_exact`, `in_exact`, `contains_exact`: as `equals`, `in` and `contains`,
      with case and spaces as written.
    `text` is the signal's text as compared, lower case and trimmed: macro
    signals_matched_to_rules computes it once per signal, not once per pair of signal
    and rule. -#}
{% macro rule_matches_signal(rules, signals, text) -%}
    {%- set exact = signals ~ '.signal_text' -%}
    (
        {{ rules }}.match_operator = 'any'
        or ({{ rules }}.match_operator = 'equals' and {{ text }} = {{ rules }}.match_text)
        or (
            {{ rules }}.match_operator = 'in'
            and {{ dbt.position(dbt.concat(["'|'", text, "'|'"]), rules ~ '.match_text') }} > 0
        )
        or ({{ rules }}.match_operator = 'contains' and {{ dbt.position(rules ~ '.match_text', text) }} > 0)
        or ({{ rules }}.match_operator = 'equals_exact' and {{ exact }} = {{ rules }}.match_text)
        or (
            {{ rules }}.match_operator = 'in_exact'
            and {{ dbt.position(dbt.concat(["'|'", exact, "'|'"]), rules ~ '.match_text') }} > 0
        )
        or ({{ rules }}.match_operator = 'contains_exact' and {{ dbt.position(rules ~ '.match_text', exact) }} > 0)
        or (
            {{ rules }}.match_operator = 'between'
            and {{ signals }}.signal_number >= coalesce({{ rules }}.min_value, {{ signals }}.signal_number)
            and ({{ rules }}.max_value is null or {{ signals }}.signal_number < {{ rules }}.max_value)
        )
        or ({{ rules }}.match_operator = 'is_true' and {{ text }} in ('true', 't', 'yes', 'y', '1'))
        or (
            {{ rules }}.match_operator = 'is_present'
            and ({{ text }} <> '' or {{ signals }}.signal_number is not null)
        )
    )
{%- endmacro %}
