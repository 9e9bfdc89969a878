{{ quarantined_rows('base_crm__record_fields') }}
