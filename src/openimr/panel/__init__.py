"""openimr.panel."""
