{#- Staged page views, aggregated by day: event-heavy, so incremental.
    One row per day, visitor (anonymous id, and the contact id the view carried, if any) and page.
    A run re-aggregates only the days new loads touched and the last
    `scorehouse_event_lookback_days` days, so it equals a full rebuild (macro events_by_day;
    replace_dates_config). -#}
{{ events_by_day(ref('stg_marketing__page_views'), ['anonymous_id', 'contact_id', 'page_url']) }}
