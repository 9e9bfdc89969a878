{#- Regular expression of the ISO 8601 text the raw contract accepts: a date
    YYYY-MM-DD, optionally a time after `T` or a space (HH:MM, HH:MM:SS, a fraction),
    then optionally an offset (`Z`, `+02`, `+0200`, `+02:00`). Each field is checked
    for its range (not the day of the month). Character classes only, so the same
    literal means the same in PostgreSQL and Spark. -#}
{% macro iso_datetime_pattern() -%}
    {%- set day = '[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])' -%}
    {%- set time = '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?' -%}
    {%- set offset = '(Z|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)' -%}
    ^{{ day }}([T ]{{ time }}{{ offset }}?)?$
{%- endmacro %}
