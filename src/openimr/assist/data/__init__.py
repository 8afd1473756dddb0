"""Packaged assist data (the trained outcome model artifact)."""
