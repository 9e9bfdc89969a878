{#- The date or timestamp expression when it lies within the vars `scorehouse_earliest_valid_date`
    and `scorehouse_latest_valid_date` (both days included), else null: a year 0001 or 9999 in an
    export is a placeholder or an error, not a date to score with. -#}
{% macro within_valid_dates(expression, data_type='timestamp') -%}
    {%- set type_name = 'date' if data_type == 'date' else dbt.type_timestamp() -%}
    {%- set day = modules.datetime.datetime.strptime(var('scorehouse_latest_valid_date') | string, '%Y-%m-%d') -%}
    {%- set after_latest = (day + modules.datetime.timedelta(days=1)).strftime('%Y-%m-%d') -%}
    case
        when
            {{ expression }} >= cast('{{ var("scorehouse_earliest_valid_date") }}' as {{ type_name }})
            and {{ expression }} < cast('{{ after_latest }}' as {{ type_name }})
            then {{ expression }}
    end
{%- endmacro %}
