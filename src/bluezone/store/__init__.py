"""Storage: the database engine, sessions, the schema and its migrations (SQLite or PostgreSQL)."""
