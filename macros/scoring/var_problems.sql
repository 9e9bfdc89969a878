{#- The checks of the vars, as data: var `scorehouse_var_checks` gives each var's `type` (integer,
    number, boolean, date YYYY-MM-DD, text, list, mapping), `nullable`, `min` and `max`
    (inclusive), `greater_than` and `values`. Returns a query with one row per problem
    (`vars`, the var's name, what is wrong and the value given), empty when every var
    holds; scoring_config_problems runs it with the seeds' checks. Judged when the SQL is
    compiled, from the vars the run was given (`--vars` included). -#}
{% macro var_problems() -%}
    {%- set rows = [] -%}
    {%- for name, check in var('scorehouse_var_checks', {}) | dictsort -%}
        {%- set value = var(name, none) -%}
        {%- set is_bool = value is sameas true or value is sameas false -%}
        {%- set kind = check.get('type') -%}
        {%- set problem = namespace(text=none) -%}
        {%- if value is none -%}
            {%- if not check.get('nullable') -%}
                {%- set problem.text = 'is empty; it needs a value' -%}
            {%- endif -%}
        {%- elif kind == 'boolean' and not is_bool -%}
            {%- set problem.text = 'must be true or false' -%}
        {%- elif kind in ['integer', 'number'] and (is_bool or value is not number) -%}
            {%- set problem.text = 'must be a number' -%}
        {%- elif kind in ['integer', 'number'] and value * 0 != 0 -%}
            {%- set problem.text = 'must be a finite number' -%}
        {%- elif kind == 'integer' and value != value | int -%}
            {%- set problem.text = 'must be a whole number' -%}
        {%- elif kind == 'date'
            and not (value is string and modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value)) -%}
            {%- set problem.text = 'must be a date written YYYY-MM-DD' -%}
        {%- elif kind == 'text' and value is not string -%}
            {%- set problem.text = 'must be text' -%}
        {%- elif kind == 'list' and (value is string or value is mapping or value is not iterable) -%}
            {%- set problem.text = 'must be a list, e.g. [a, b]' -%}
        {%- elif kind == 'mapping' and value is not mapping -%}
            {%- set problem.text = 'must be a mapping, e.g. {a: b}' -%}
        {%- elif check.get('values') and value not in check['values'] -%}
            {%- set problem.text = 'must be one of: ' ~ check['values'] | join(', ') -%}
        {%- elif kind in ['integer', 'number'] -%}
            {%- if check.get('min') is not none and value < check['min'] -%}
                {%- set problem.text = 'must be at least ' ~ check['min'] -%}
            {%- elif check.get('max') is not none and value > check['max'] -%}
                {%- set problem.text = 'must be at most ' ~ check['max'] -%}
            {%- elif check.get('greater_than') is not none and value <= check['greater_than'] -%}
                {%- set problem.text = 'must be greater than ' ~ check['greater_than'] -%}
            {%- endif -%}
        {%- endif -%}
        {%- if problem.text is not none -%}
            {%- set message = problem.text ~ ' (got ' ~ (value | string)[:60] ~ ')' -%}
            {%- do rows.append(
                "select 'vars' as seed_name, '" ~ name ~ "' as row_key, '" ~ message | replace("'", "''")
                ~ "' as problem"
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ scorehouse.problem_rows(rows) }}
{%- endmacro %}
