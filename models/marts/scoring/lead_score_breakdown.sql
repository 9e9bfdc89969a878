{#- Explains every point of `lead_scores`: one row per contact, model and matched rule,
    with the points before decay, after decay and after caps, as of the scoring date.
    The capped points of a contact's rules add up to its dimension scores. -#}
{{ score_breakdown('contact') }}
