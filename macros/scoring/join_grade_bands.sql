{#- The two joins that grade a score row: `fit_band` (fit grade A-D) and
    `engagement_band` (engagement level 1-4) from a relation of `grade_bands` named
    `bands`, for the row's model. -#}
{% macro join_grade_bands(scores, fit_score, engagement_score) -%}
    left join bands as fit_band
        on
            {{ scores }}.model_id = fit_band.model_id
            and fit_band.dimension = 'fit'
            and {{ scorehouse.in_band(fit_score, 'fit_band') }}
    left join bands as engagement_band
        on
            {{ scores }}.model_id = engagement_band.model_id
            and engagement_band.dimension = 'engagement'
            and {{ scorehouse.in_band(engagement_score, 'engagement_band') }}
{%- endmacro %}
