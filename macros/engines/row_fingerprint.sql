{#- A whole number in [0, 2^31) computed from the text of `expressions`: the same row
    always gives the same number, and a changed row almost never does. Summed over a
    day's rows it tells whether the day changed (see `days_with_changed_input`). Each
    engine uses its own hash function; the numbers differ between engines, never within
    one. -#}
{% macro row_fingerprint(expressions) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'scorehouse')(expressions)) }}
{%- endmacro %}

{% macro default__row_fingerprint(expressions) -%}
    cast(hash({{ fingerprint_text(expressions) }}) % 2147483648 as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro postgres__row_fingerprint(expressions) -%}
    cast(('x' || substr(md5({{ fingerprint_text(expressions) }}), 1, 8))::bit(32)::bigint % 2147483648 as bigint)
{%- endmacro %}

{% macro spark__row_fingerprint(expressions) -%}
    cast(pmod(hash({{ fingerprint_text(expressions) }}), 2147483648) as bigint)
{%- endmacro %}
