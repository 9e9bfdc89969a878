{{ quarantined_rows('base_marketing__page_views') }}
