{{ quarantined_rows('base_product__usage_events') }}
