"""The health authority's verification side: realms, API keys, one-time codes, tokens and certificates."""
