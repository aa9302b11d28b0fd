"""Readers for outside data files (field measurements), turning them into the pure core's arrays."""
