{{ quarantined_rows('base_marketing__form_submissions') }}
