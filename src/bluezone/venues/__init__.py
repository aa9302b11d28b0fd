"""Venue check-in: signed venue QR codes, protected check-in reports and the risky-venue package."""
