{#- The scoring date as text YYYY-MM-DD, validated: environment variable
    SCOREHOUSE_AS_OF_DATE (what `scorehouse` and the Dagster assets set) or var
    `as_of_date` (`dbt build --vars '{scorehouse_as_of_date: ...}'`); both set to different dates
    fails, naming both; neither: today (UTC) at run time. A malformed date fails.

    The environment variable is read only while executing (`execute`), never while
    parsing: dbt records an env_var read at parse time and reparses the files that read
    it when its value changes, and a new `--vars` makes dbt reparse the whole project.
    Read at run time, a new date costs no parsing at all. While parsing, the SQL that
    uses the date is thrown away, so any valid date does. -#}
{% macro as_of_date_text() -%}
    {%- set from_var = var('scorehouse_as_of_date', none) -%}
    {%- set from_var = none if from_var is none or from_var | string == '' else from_var | string -%}
    {%- set from_env = env_var('SCOREHOUSE_AS_OF_DATE', '') if execute else '' -%}
    {%- if from_var is not none and from_env != '' and from_var != from_env -%}
        {{ exceptions.raise_compiler_error(
            "the scoring date is given twice: var scorehouse_as_of_date '" ~ from_var
            ~ "' and environment variable SCOREHOUSE_AS_OF_DATE '" ~ from_env ~ "'; give it once"
        ) }}
    {%- endif -%}
    {%- set source = 'var scorehouse_as_of_date' if from_var is not none else 'SCOREHOUSE_AS_OF_DATE' -%}
    {%- set text = from_var if from_var is not none else from_env -%}
    {%- if text == '' -%}
        {%- set text = modules.datetime.datetime.utcnow().strftime('%Y-%m-%d') -%}
    {%- endif -%}
    {%- if not modules.re.match('^\\d{4}-\\d{2}-\\d{2}$', text) -%}
        {{ exceptions.raise_compiler_error(source ~ " must be a date written YYYY-MM-DD, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}
