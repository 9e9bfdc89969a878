{#- Points per run, entity, model and rule for the behavioural rules scored in one pass
    (macro scored_in_one_pass: repeat control `every` or `once_per_day`, decay `none`,
    `exponential` or `linear`): the bulk of the scoring work.

    int_rule_matches_daily is read once, and every scoring run (macro scoring_runs) is
    one set of conditional sums over it, instead of joining every match to every run.
    A match counts for a run when it is of the run's rule set, its day is before the
    run's date, it was known by then (`known_from`), and, for `once_per_day`, no earlier
    row of its day was known by then (`earlier_known_from`). It counts the day's events
    (`every`) or one occurrence (`once_per_day`), decayed by its whole-day age at the
    run's date. The runs' rows are then kept for the entities each run scores
    (int_scoring_population), as int_signals_scored does for the other rules;
    int_rule_points_capped adds both up. -#}
{%- set runs = scoring_runs() %}

with

rule_matches as (
    select * from {{ ref('int_rule_matches_daily') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

scoring_runs as (
    select * from {{ ref('int_scoring_runs') }}
),

population as (
    select * from {{ ref('int_scoring_population') }}
),

run_dates as (
    {#- One row: each run's date in its own column. #}
    select
        {%- for run in runs %}
            max(case when run_id = '{{ run.run_id }}' then as_of_at end) as as_of_at_{{ loop.index }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from scoring_runs
),

matched as (
    select
        rule_matches.rule_set,
        rule_matches.model_id,
        rule_matches.rule_id,
        rule_matches.entity_type,
        rule_matches.entity_id,
        rule_matches.known_from,
        rule_matches.earlier_known_from,
        rule_matches.first_occurred_at,
        rule_matches.last_occurred_at,
        rules.points,
        rules.decay_method,
        rules.decay_param,
        rules.repeat_control,
        rules.qualifies_as,
        case when rules.repeat_control = 'every' then rule_matches.event_count else 1 end as occurrences,
        case
            when rules.repeat_control = 'every' then rule_matches.last_occurred_at
            else rule_matches.lead_last_occurred_at
        end as counted_last_at,
        cast(rule_matches.activity_date as {{ dbt.type_timestamp() }}) as activity_at
    from rule_matches
    inner join rules
        on
            rule_matches.rule_set = rules.rule_set
            and rule_matches.model_id = rules.model_id
            and rule_matches.rule_id = rules.rule_id
    where {{ scored_in_one_pass('rules') }}
),

by_entity as (
    select
        matched.rule_set,
        matched.model_id,
        matched.rule_id,
        matched.entity_type,
        matched.entity_id,
        {%- for run in runs %}
            {%- set as_of = 'run_dates.as_of_at_' ~ loop.index %}
            {%- set counts %}
                matched.rule_set = '{{ run.rule_set }}'
                and matched.last_occurred_at < {{ as_of }}
                and matched.known_from < {{ as_of }}
                and (
                    matched.repeat_control = 'every'
                    or matched.earlier_known_from is null
                    or matched.earlier_known_from >= {{ as_of }}
                )
            {%- endset %}
            {%- set decayed = 'matched.points * matched.occurrences * ' ~ decay_factor(
                'matched.decay_method', 'matched.decay_param', age_in_days('matched.activity_at', as_of),
                'cast(null as ' ~ type_double() ~ ')',
            ) %}
            sum(case when {{ counts }} then matched.occurrences end) as occurrences_{{ loop.index }},
            sum(case when {{ counts }} then {{ decayed }} end) as decayed_points_{{ loop.index }},
            min(
                case when {{ counts }} and matched.qualifies_as is not null and {{ decayed }} <> 0
                        then matched.first_occurred_at
                end
            ) as qualifying_event_at_{{ loop.index }},
            max(case when {{ counts }} then matched.counted_last_at end) as last_occurred_at_{{ loop.index }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from matched
    cross join run_dates
    group by matched.rule_set, matched.model_id, matched.rule_id, matched.entity_type, matched.entity_id
),

by_run as (
    {%- for run in runs %}
        select
            '{{ run.run_id }}' as run_id,
            rule_set,
            model_id,
            rule_id,
            entity_type,
            entity_id,
            cast(occurrences_{{ loop.index }} as {{ dbt.type_bigint() }}) as occurrences,
            decayed_points_{{ loop.index }} as decayed_points,
            qualifying_event_at_{{ loop.index }} as qualifying_event_at,
            last_occurred_at_{{ loop.index }} as last_occurred_at
        from by_entity
        where rule_set = '{{ run.rule_set }}' and occurrences_{{ loop.index }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

scored as (
    select
        by_run.run_id,
        by_run.entity_type,
        by_run.entity_id,
        by_run.model_id,
        by_run.rule_id,
        rules.dimension,
        rules.category_id,
        rules.rule_cap,
        rules.qualifies_as,
        by_run.occurrences,
        rules.points * by_run.occurrences as base_points,
        by_run.decayed_points,
        by_run.qualifying_event_at,
        by_run.last_occurred_at
    from by_run
    inner join population
        on
            by_run.run_id = population.run_id
            and by_run.model_id = population.model_id
            and by_run.entity_type = population.entity_type
            and by_run.entity_id = population.entity_id
    inner join rules
        on
            by_run.rule_set = rules.rule_set
            and by_run.model_id = rules.model_id
            and by_run.rule_id = rules.rule_id
    where population.scope = 'scored' or (rules.dimension = 'fit' and rules.entity_level = 'account')
)

select * from scored
