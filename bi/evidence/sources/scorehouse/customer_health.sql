-- One row per customer account.
select
    account_id,
    value_tier,
    health_score,
    expansion_score,
    arr,
    is_at_risk,
    has_expansion_signal,
    risk_reasons
from main.customer_health
