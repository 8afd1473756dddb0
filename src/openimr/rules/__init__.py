"""openimr.rules."""
