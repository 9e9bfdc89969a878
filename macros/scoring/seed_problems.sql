{#- The configuration checks written as data: a query with one row per problem (seed,
    row key, problem) found by the checks that seeds/_seeds.yml declares, for every seed
    under seeds/scoring and seeds/mappings.
    - Per column, `meta.check`: `type` (`number`: finite, not NaN or an infinity;
      `integer`, typed so by the seed; `text`), `required` (not empty), `values` (one of a list), `references`
      (`<seed>.<column>`: a value of another seed), `min` and `max` (inclusive),
      `greater_than`.
    - Per seed, `meta.checks`: `key` (the columns that name a row in a message),
      `unique` (no two rows share these columns), `min_rows`, `row_filter` (only the
      rows it keeps are checked, e.g. the selected candidate rule set) and `checked_as`
      (another seed whose column checks apply to the same columns).
    A seed column without `meta.check` is refused by tests_py/test_config_checks.py, so
    that a new column cannot be forgotten. Empty values are only checked by `required`.
    Called by scoring_config_problems. -#}
{% macro seed_problems() -%}
    {%- set str = dbt.type_string() -%}
    {%- set seeds = {} -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'seed' and node.fqn[1] in ['scoring', 'mappings'] -%}
            {%- do seeds.update({node.name: node}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for name, node in seeds | dictsort -%}
        {%- set settings = node.meta.get('checks', {}) -%}
        {%- set columns = {} -%}
        {%- if settings.get('checked_as') -%}
            {%- for column_name, column in seeds[settings.checked_as].columns.items() -%}
                {%- do columns.update({column_name: column.meta.get('check', {})}) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- for column_name, column in node.columns.items() -%}
            {#- A column documented without a check keeps the one it inherits (checked_as). #}
            {%- if column.meta.get('check') or column_name not in columns -%}
                {%- do columns.update({column_name: column.meta.get('check', {})}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set key_parts = [] -%}
        {%- for key in settings.get('key', []) -%}
            {%- do key_parts.append("'" ~ key ~ "=' || coalesce(cast(" ~ key ~ " as " ~ str ~ "), '')") -%}
        {%- endfor -%}
        {%- set row_key = key_parts | join(" || ', ' || ") if key_parts else "''" -%}
        {%- set row_filter = settings.get('row_filter', '1 = 1') -%}
        {%- set rows = '(select * from ' ~ ref(name) ~ ' where ' ~ row_filter ~ ') as seed_rows' -%}
        {%- set column_checks = [] -%}
        {%- for column_name, check in columns | dictsort -%}
            {%- set c = column_name -%}
            {%- set shown = "coalesce(cast(" ~ c ~ " as " ~ str ~ "), '')" -%}
            {%- if check.get('required') -%}
                {%- if check.get('type') in ['number', 'integer'] -%}
                    {%- do column_checks.append((c ~ " is null", "'" ~ c ~ " is empty'")) -%}
                {%- else -%}
                    {%- do column_checks.append(("trim(coalesce(" ~ c ~ ", '')) = ''", "'" ~ c ~ " is empty'")) -%}
                {%- endif -%}
            {%- endif -%}
            {%- if check.get('type') == 'number' -%}
                {%- do column_checks.append((
                    c ~ " is not null and not (abs(" ~ c ~ ") < " ~ var('scorehouse_max_abs_value') ~ ")",
                    "'" ~ c ~ " must be a finite number, not ' || " ~ shown,
                )) -%}
            {%- endif -%}
            {%- if check.get('values') -%}
                {%- set listed = check['values'] | join(', ') -%}
                {%- do column_checks.append((
                    c ~ " is not null and not " ~ scorehouse.in_list(c, check['values']),
                    "'" ~ c ~ " ''' || " ~ shown ~ " || ''' is not one of: " ~ listed ~ "'",
                )) -%}
            {%- endif -%}
            {%- if check.get('references') -%}
                {%- set target_seed, target_column = check['references'].split('.') -%}
                {%- do column_checks.append((
                    c ~ " is not null and " ~ c ~ " not in (select " ~ target_column ~ " from " ~ ref(target_seed)
                    ~ " where " ~ target_column ~ " is not null)",
                    "'" ~ c ~ " ''' || " ~ shown ~ " || ''' is not a " ~ target_column
                    ~ " of seed " ~ target_seed ~ "'",
                )) -%}
            {%- endif -%}
            {%- for bound, operator, words in [
                ('min', '<', 'at least'), ('max', '>', 'at most'), ('greater_than', '<=', 'greater than'),
            ] if check.get(bound) is not none -%}
                {%- do column_checks.append((
                    c ~ " " ~ operator ~ " " ~ check[bound],
                    "'" ~ c ~ " is ' || " ~ shown ~ " || ', it must be " ~ words ~ " " ~ check[bound] ~ "'",
                )) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for condition, message in column_checks -%}
            {%- do selects.append(
                "select '" ~ name ~ "' as seed_name, " ~ row_key ~ " as row_key, " ~ message ~ " as problem from "
                ~ rows ~ " where " ~ condition
            ) -%}
        {%- endfor -%}
        {%- if settings.get('unique') -%}
            {%- set unique = settings['unique'] -%}
            {%- set unique_key = [] -%}
            {%- for key in unique -%}
                {%- do unique_key.append("'" ~ key ~ "=' || coalesce(cast(" ~ key ~ " as " ~ str ~ "), '')") -%}
            {%- endfor -%}
            {%- do selects.append(
                "select '" ~ name ~ "', " ~ unique_key | join(" || ', ' || ")
                ~ ", 'duplicate rows: ' || cast(count(*) as " ~ str ~ ") || ' rows share "
                ~ unique | join(', ') ~ "' from " ~ rows ~ " group by " ~ unique | join(', ')
                ~ " having count(*) > 1"
            ) -%}
        {%- endif -%}
        {%- if settings.get('min_rows') -%}
            {%- do selects.append(
                "select '" ~ name ~ "', '', 'has ' || cast(count(*) as " ~ str ~ ") || ' row(s), needs at least "
                ~ settings['min_rows'] ~ "' from " ~ rows ~ " having count(*) < " ~ settings['min_rows']
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ scorehouse.problem_rows(selects) }}
{%- endmacro %}
