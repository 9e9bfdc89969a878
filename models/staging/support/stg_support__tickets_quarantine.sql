{{ quarantined_rows('base_support__tickets') }}
