"""The JSON API: phones, case workers' systems, labs and dashboards, each authenticated by an API key."""
