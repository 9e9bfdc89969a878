{{ quarantined_rows('base_crm__activities') }}
