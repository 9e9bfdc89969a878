{#- ROC AUC per group, as a query over `relation`: the probability that a random
    positive (`label` true) scores above a random negative, ties counting one half.
    Computed from average ranks (Mann-Whitney U):
    AUC = (sum of positives' ranks - P(P+1)/2) / (P * N). Null when a group has no
    positive or no negative. -#}
{% macro roc_auc(relation, group_by, score, label) -%}
    {%- set groups = group_by | join(', ') -%}
with

ranked as (
    select
        {{ groups }},
        {{ label }} as is_positive,
        rank() over (partition by {{ groups }} order by {{ score }}) as low_rank,
        count(*) over (partition by {{ groups }}, {{ score }}) as tied_rows
    from {{ relation }}
),

summed as (
    select
        {{ groups }},
        sum(case when is_positive then low_rank + (tied_rows - 1) / 2.0 else 0 end) as positive_rank_sum,
        sum(case when is_positive then 1 else 0 end) as positives,
        sum(case when is_positive then 0 else 1 end) as negatives
    from ranked
    group by {{ groups }}
)

select
    {{ groups }},
    cast(positives as bigint) as positives,
    cast(negatives as bigint) as negatives,
    case
        when positives > 0 and negatives > 0
            then (positive_rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)
    end as roc_auc
from summed
{%- endmacro %}
