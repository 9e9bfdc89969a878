{#- A number as text written the same way on every engine, for hashing configuration
    (int_rule_set_versions): six decimal places, no exponent, `-` only below zero, e.g.
    `30.000000`, `-0.500000`; null stays null. Casting a double straight to text does
    not agree between engines (DuckDB `30.0`, PostgreSQL `30`), a fixed-scale decimal
    does. scorehouse/calibrate.py writes numbers the same way (`format(x, '.6f')`). -#}
{% macro canonical_number(expression) -%}
    cast(cast({{ expression }} as decimal(38, 6)) as {{ var('scorehouse_text_type')[target.type] }})
{%- endmacro %}
