"""openimr: an open-source Independent Medical Review system."""

__version__ = "0.1.0"
