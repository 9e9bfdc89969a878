{#- Staged product usage events, aggregated by day: event-heavy, so incremental.
    One row per day, account, user, event and feature.
    A run re-aggregates only the days new loads touched and the last
    `scorehouse_event_lookback_days` days, so it equals a full rebuild (macro events_by_day;
    replace_dates_config). -#}
{{ events_by_day(ref('stg_product__usage_events'), ['account_id', 'contact_id', 'usage_event_name', 'feature_name']) }}
