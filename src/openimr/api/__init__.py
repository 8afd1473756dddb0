"""openimr.api."""
