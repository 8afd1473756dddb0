"""openimr.evidence."""
