"""Simulation: drives the real phone and server code with simulated time, radio and people."""
