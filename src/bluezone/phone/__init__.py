"""The app's logic on one phone: daily keys, rotating IDs, the sighting log, matching, alerts and uploads."""
