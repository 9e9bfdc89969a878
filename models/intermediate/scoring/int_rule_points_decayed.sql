{#- Decayed points per run, entity, model and rule: the one place where matches become
    points. Every match (a day of behavioural signals from int_rule_matches_daily; an
    attribute or run signal from int_rule_matches_by_run) goes through the same steps:
    1. repeat control (`repeat_controlled`): a match counts for a run when the run knows
       it and knows no earlier match of the same repeat key (macro repeat_key). `every`
       repeats nothing; a behavioural `once_per_day` match takes the earlier `known_from`
       of its day from int_rule_matches_daily; other matches look back over their repeat
       key here;
    2. decay (macro decay_factor): by the match's whole-day age at the run's date; a step
       window is a match's window for the ages it covers (`decay_step_windows`);
    3. the run's sums: occurrences (`every` counts the day's events, the other controls
       one), base and decayed points, the first qualifying and the last counted event.
    The matches are read once per rule set: each scoring run (macro scoring_runs) of the
    rule set is one set of conditional sums over them, instead of joining every match to
    every run. A match counts for a run when it is of the run's rule set, its day is
    before the run's date and it was known by then (`known_from`); a run's own match
    (int_rule_matches_by_run) counts for that run only. int_rule_points_capped keeps the
    entities each run scores (int_scoring_population) and applies the caps. PostgreSQL
    runs it without nested loops (macro no_nested_loops_config). On DuckDB the matches
    are read where they are used (macro inlined_cte): written out whole, and summed for
    every run at once, they filled the disk with more than 30 GB of spill at 100M
    events. -#}
{{ no_nested_loops_config() }}
{%- set runs = scoring_runs() %}
{#- Each run's position (its columns' suffix below), and the rule sets the runs apply. #}
{%- set rule_sets = [] %}
{%- for run in runs %}
    {%- do run.update({'index': loop.index}) %}
    {%- if run.rule_set not in rule_sets %}{% do rule_sets.append(run.rule_set) %}{% endif %}
{%- endfor %}

with

daily_matches as {{ inlined_cte() }} (
    select * from {{ ref('int_rule_matches_daily') }}
),

run_matches as {{ inlined_cte() }} (
    select * from {{ ref('int_rule_matches_by_run') }}
),

rules as (
    select * from {{ ref('int_scoring_rules_checked') }}
),

step_windows as (
    select * from {{ ref('decay_step_windows') }}
),

run_dates as (
    {#- One row: each run's date in its own column (macro run_as_of_at, as int_scoring_runs). #}
    select
        {%- for run in runs %}
            {{ run_as_of_at(run) }} as as_of_at_{{ loop.index }}
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
),

all_matches as {{ inlined_cte() }} (
    {#- `run_id` is the run a match belongs to, or null for a behavioural match, which
        any run may count. #}
    select
        cast(null as {{ dbt.type_string() }}) as run_id,
        rule_set,
        model_id,
        rule_id,
        entity_type,
        entity_id,
        known_from,
        earlier_known_from,
        repeat_value,
        event_count,
        first_occurred_at,
        last_occurred_at,
        lead_signal_key,
        lead_last_occurred_at,
        activity_date
    from daily_matches

    union all

    select
        run_id,
        rule_set,
        model_id,
        rule_id,
        entity_type,
        entity_id,
        cast(null as {{ dbt.type_timestamp() }}) as known_from,
        cast(null as {{ dbt.type_timestamp() }}) as earlier_known_from,
        repeat_value,
        event_count,
        first_occurred_at,
        last_occurred_at,
        signal_key as lead_signal_key,
        last_occurred_at as lead_last_occurred_at,
        activity_date
    from run_matches
),

matches as {{ inlined_cte() }} (
    select
        all_matches.*,
        rules.points,
        rules.decay_method,
        rules.decay_param,
        rules.decay_windows,
        rules.repeat_control,
        rules.qualifies_as,
        {{ repeat_key(
            'rules.repeat_control', 'all_matches.lead_signal_key', 'all_matches.activity_date',
            'all_matches.repeat_value',
        ) }} as repeat_key,
        {#- The first instant a run knows a behavioural match: its last event is before the
            run's date, and so is its `known_from`. A run's own match: null, always. #}
        case
            when all_matches.run_id is not null then null
            when all_matches.known_from > all_matches.last_occurred_at then all_matches.known_from
            else all_matches.last_occurred_at
        end as known_at,
        case when rules.repeat_control = 'every' then all_matches.event_count else 1 end as occurrences,
        case
            when rules.repeat_control = 'every' then all_matches.last_occurred_at
            else all_matches.lead_last_occurred_at
        end as counted_last_at,
        cast(all_matches.activity_date as {{ dbt.type_timestamp() }}) as activity_at
    from all_matches
    inner join rules
        on
            all_matches.rule_set = rules.rule_set
            and all_matches.model_id = rules.model_id
            and all_matches.rule_id = rules.rule_id
),

repeat_controlled as {{ inlined_cte() }} (
    {#- Repeat control, as columns a run reads: it skips a match when it knows an earlier
        one of the same repeat key, that is when `superseded_at` is before its date, or
        at any date when `is_superseded` (a run's own match behind another of the run).
        `every` supersedes nothing, and a behavioural `once_per_day` match has its
        day's answer from int_rule_matches_daily, so only the other matches need a
        window: those are few (attributes, and the rules that count once or once per
        value). #}
    select
        *,
        cast(null as {{ dbt.type_timestamp() }}) as superseded_at,
        false as is_superseded
    from matches
    where repeat_control = 'every'

    union all

    select
        *,
        earlier_known_from as superseded_at,
        false as is_superseded
    from matches
    where repeat_control = 'once_per_day' and run_id is null

    union all

    select
        *,
        min(known_at) over earlier_matches as superseded_at,
        run_id is not null and count(*) over earlier_matches > 0 as is_superseded
    from matches
    where repeat_control <> 'every' and (repeat_control <> 'once_per_day' or run_id is not null)
    window earlier_matches as (
        partition by run_id, rule_set, model_id, rule_id, entity_type, entity_id, repeat_key
        order by first_occurred_at, lead_signal_key
        rows between unbounded preceding and 1 preceding
    )
),

stepped as {{ inlined_cte() }} (
    {#- A step-decayed match meets each window of its rule's window set; a run counts it
        in the window its age falls in. #}
    select
        repeat_controlled.*,
        step_windows.window_set,
        step_windows.min_age_days,
        step_windows.max_age_days,
        step_windows.weight as step_weight
    from repeat_controlled
    left join step_windows
        on
            repeat_controlled.decay_method = 'step'
            and repeat_controlled.decay_windows = step_windows.window_set
),

{%- for rule_set in rule_sets %}
    {%- set rule_set_index = loop.index %}

    by_entity_{{ rule_set_index }} as (
        {#- The sums of one rule set's runs, over its matches only: a group holds the
            states of its own runs, not of every run's (at 100M events, one group-by with
            every run's states ran out of memory or disk). #}
        select
            stepped.rule_set,
            stepped.model_id,
            stepped.rule_id,
            stepped.entity_type,
            stepped.entity_id,
            {%- for run in runs if run.rule_set == rule_set %}
                {%- set as_of = 'run_dates.as_of_at_' ~ run.index %}
                {%- set age = 'case when stepped.activity_at is null then 0.0 else '
                    ~ age_in_days('stepped.activity_at', as_of) ~ ' end' %}
                {%- set counts %}
                    (stepped.run_id is null or stepped.run_id = '{{ run.run_id }}')
                    and (stepped.known_at is null or stepped.known_at < {{ as_of }})
                    and not stepped.is_superseded
                    and (stepped.superseded_at is null or stepped.superseded_at >= {{ as_of }})
                    and (
                        stepped.decay_method <> 'step'
                        or {{ in_step_window('stepped.decay_method', 'stepped.decay_windows', age, 'stepped') }}
                    )
                {%- endset %}
                {%- set decayed = 'stepped.points * stepped.occurrences * '
                    ~ decay_factor('stepped.decay_method', 'stepped.decay_param', age, 'stepped.step_weight') %}
                sum(case when {{ counts }} then stepped.occurrences end) as occurrences_{{ run.index }},
                sum(case when {{ counts }} then {{ decayed }} end) as decayed_points_{{ run.index }},
                min(
                    case when {{ counts }} and stepped.qualifies_as is not null and {{ decayed }} <> 0
                            then stepped.first_occurred_at
                    end
                ) as qualifying_event_at_{{ run.index }},
                max(case when {{ counts }} then stepped.counted_last_at end) as last_occurred_at_{{ run.index }}
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from stepped
        cross join run_dates
        where stepped.rule_set = '{{ rule_set }}'
        group by stepped.rule_set, stepped.model_id, stepped.rule_id, stepped.entity_type, stepped.entity_id
    ),
{%- endfor %}

by_run as (
    {#- Each run's rows, with their rule's columns: joined here, to the few rows of the
        rules. The entities a run scores are kept by int_rule_points_capped, which reads
        this table: joined here to the union of the runs, the population met about 100M
        rows at 100M events and DuckDB ran out of memory (or disk). #}
    {%- for run in runs %}
        select
            '{{ run.run_id }}' as run_id,
            by_entity.entity_type,
            by_entity.entity_id,
            by_entity.model_id,
            by_entity.rule_id,
            rules.dimension,
            rules.category_id,
            rules.entity_level,
            rules.rule_cap,
            rules.qualifies_as,
            cast(by_entity.occurrences_{{ loop.index }} as {{ dbt.type_bigint() }}) as occurrences,
            rules.points * cast(by_entity.occurrences_{{ loop.index }} as {{ dbt.type_bigint() }}) as base_points,
            by_entity.decayed_points_{{ loop.index }} as decayed_points,
            by_entity.qualifying_event_at_{{ loop.index }} as qualifying_event_at,
            by_entity.last_occurred_at_{{ loop.index }} as last_occurred_at
        from by_entity_{{ rule_sets.index(run.rule_set) + 1 }} as by_entity
        inner join rules
            on
                by_entity.rule_set = rules.rule_set
                and by_entity.model_id = rules.model_id
                and by_entity.rule_id = rules.rule_id
        where by_entity.occurrences_{{ loop.index }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from by_run
