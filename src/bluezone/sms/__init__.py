"""Sending texts to people's phones: one sender interface; SMPP 3.4 (carriers' brandname SMS) and HTTP."""
