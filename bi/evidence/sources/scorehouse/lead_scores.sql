-- One row per contact and scoring model.
select
    contact_id,
    account_id,
    model_id,
    lead_grade,
    fit_grade,
    engagement_level,
    lifecycle_stage,
    total_score,
    is_mql,
    is_sql
from main.lead_scores
