{#- Explains every point of `account_scores` and `customer_health`: one row per account,
    model and matched rule, with the points before decay, after decay and after caps,
    as of the scoring date. The capped points of an account's rules add up to its
    dimension scores (for contact models, to the account-level fit before it is scaled
    to 0-100). -#}
{{ score_breakdown('account') }}
