-- The A1...D4 matrix: leads per fit grade (rows) and engagement level (columns) for one
-- model. Compile with `dbt compile --select grade_matrix` and run the SQL in target/.
with

lead_scores as (
    select * from {{ ref('lead_scores') }}
),

matrix as (
    select
        fit_grade,
        count(case when engagement_level = '1' then 1 end) as level_1,
        count(case when engagement_level = '2' then 1 end) as level_2,
        count(case when engagement_level = '3' then 1 end) as level_3,
        count(case when engagement_level = '4' then 1 end) as level_4
    from lead_scores
    where model_id = '{{ var("scorehouse_matrix_model_id", "acquisition") }}'
    group by fit_grade
)

select * from matrix
order by fit_grade
