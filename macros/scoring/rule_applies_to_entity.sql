{#- Join condition: the scoring rule `rules` can score the entity type `entity_type` (a
    column or expression): the entity type its model scores (`scoring_models`, already
    joined on the model), or any account for an account-level fit rule (see
    int_scoring_population). -#}
{% macro rule_applies_to_entity(rules, scoring_models, entity_type) -%}
    (
        {{ scoring_models }}.entity_type = {{ entity_type }}
        or ({{ rules }}.dimension = 'fit' and {{ rules }}.entity_level = 'account' and {{ entity_type }} = 'account')
    )
{%- endmacro %}
