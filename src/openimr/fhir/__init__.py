"""FHIR R4 case files: a health-plan case in as a Bundle, its determination out as one."""
