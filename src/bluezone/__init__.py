"""Bluezone: open, GAEN-compatible contact tracing for Viet Nam."""

__version__ = "0.1.0"
