"""openimr.service."""
