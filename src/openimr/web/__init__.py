"""openimr.web."""
