{#- Staged email events, aggregated by day: event-heavy, so incremental.
    One row per day, contact, event type, bounce type and campaign.
    A run re-aggregates only the days new loads touched and the last
    `scorehouse_event_lookback_days` days, so it equals a full rebuild (macro events_by_day;
    replace_dates_config). -#}
{{ events_by_day(
    ref('stg_marketing__email_events'),
    ['contact_id', 'email_event_type', 'bounce_type', 'campaign_id']
) }}
