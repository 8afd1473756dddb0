"""openimr.assist."""
