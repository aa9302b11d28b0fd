"""Exposure risk, pure: sightings → attenuation → exposure windows → daily risk, with named presets."""
