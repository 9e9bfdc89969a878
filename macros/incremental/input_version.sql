{#- The `input_version` of a model built with days_with_changed_input: `parts` (numbers
    or texts standing for its other inputs, such as a fingerprint of its rules) and the
    md5 of the model's own SQL, so that a change of either rebuilds it. -#}
{% macro input_version(parts) -%}
    {{ return((parts + [local_md5(model.raw_code)[:12]]) | join('-')) }}
{%- endmacro %}
