"""The embedded store: SQLite with WAL and an FTS5 index."""
