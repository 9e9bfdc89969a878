{#- The two joins that grade a score row: `fit_band` (fit grade A-D) and
    `engagement_band` (engagement level 1-4) from a relation of bands named `bands`
    (grade_bands, or int_grade_bands with a `rule_set` column), for the row's model and,
    when `rule_set` names the row's rule set, for that rule set. -#}
{% macro join_grade_bands(scores, fit_score, engagement_score, rule_set=none) -%}
    left join bands as fit_band
        on
            {{ scores }}.model_id = fit_band.model_id
            and fit_band.dimension = 'fit'
            {%- if rule_set %}
            and {{ rule_set }} = fit_band.rule_set
            {%- endif %}
            and {{ scorehouse.in_band(fit_score, 'fit_band') }}
    left join bands as engagement_band
        on
            {{ scores }}.model_id = engagement_band.model_id
            and engagement_band.dimension = 'engagement'
            {%- if rule_set %}
            and {{ rule_set }} = engagement_band.rule_set
            {%- endif %}
            and {{ scorehouse.in_band(engagement_score, 'engagement_band') }}
{%- endmacro %}
