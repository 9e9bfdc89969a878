-- One row per account and scoring model.
select
    account_id,
    model_id,
    account_grade,
    account_stage,
    total_score,
    contact_count,
    mql_contact_count,
    open_pipeline_amount
from main.account_scores
