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
