"""The outcome model trained on the dev letters by `openimr assist train`."""
