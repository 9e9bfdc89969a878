{{ quarantined_rows('base_crm__opportunities') }}
