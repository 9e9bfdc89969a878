{#- The `value` of the group's first row in the order of `order_by` (a list of
    expressions, ascending), as an aggregate: it spares a window that ranks every row
    only to keep the first one. `order_by` must be unique within a group, or the result
    is any of the tied rows' values. -#}
{% macro first_by(value, order_by) -%}
    {{ return(adapter.dispatch('first_by', 'scorehouse')(value, order_by)) }}
{%- endmacro %}

{% macro default__first_by(value, order_by) -%}
    arg_min({{ value }}, row({{ order_by | join(', ') }}))
{%- endmacro %}

{% macro postgres__first_by(value, order_by) -%}
    (array_agg({{ value }} order by {{ order_by | join(', ') }}))[1]
{%- endmacro %}

{% macro spark__first_by(value, order_by) -%}
    min_by({{ value }}, struct({{ order_by | join(', ') }}))
{%- endmacro %}
