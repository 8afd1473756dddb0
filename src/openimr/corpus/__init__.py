"""openimr.corpus."""
