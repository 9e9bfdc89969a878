{#- Join condition: the scoring rule `rules` (a rules relation's alias) matches the
    signal row `signals` (already joined on the signal name). `any` matches every row,
    `equals` and `contains` the signal text, `between` the signal number (min inclusive,
    max exclusive, an empty bound open). -#}
{% macro rule_matches_signal(rules, signals) -%}
    (
        {{ rules }}.match_operator = 'any'
        or ({{ rules }}.match_operator = 'equals' and {{ signals }}.signal_text = {{ rules }}.match_value)
        or (
            {{ rules }}.match_operator = 'contains'
            and {{ signals }}.signal_text like {{ dbt.concat(["'%'", rules ~ ".match_value", "'%'"]) }}
        )
        or (
            {{ rules }}.match_operator = 'between'
            and {{ signals }}.signal_number >= coalesce({{ rules }}.min_value, {{ signals }}.signal_number)
            and ({{ rules }}.max_value is null or {{ signals }}.signal_number < {{ rules }}.max_value)
        )
    )
{%- endmacro %}


{#- The repeat key of a signal under the rule's repeat control: its own key (`every`),
    its day (`once_per_day`), its text (`once_per_value`) or one key for all (`once`). -#}
{% macro repeat_key(repeat_control, signal_key, activity_date, signal_text) -%}
    case {{ repeat_control }}
        when 'every' then {{ signal_key }}
        when 'once_per_day' then cast({{ activity_date }} as {{ dbt.type_string() }})
        when 'once_per_value' then {{ signal_text }}
        when 'once' then 'once'
    end
{%- endmacro %}
