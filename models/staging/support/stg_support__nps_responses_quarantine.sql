{{ quarantined_rows('base_support__nps_responses') }}
