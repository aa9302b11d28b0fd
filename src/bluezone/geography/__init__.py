"""Viet Nam's administrative areas in both structures: codes, names, hierarchy, census totals."""
