"""Domain errors: one type per boundary, each with a message a user can act on."""


class NewsmillError(Exception):
    """Base for errors the CLI turns into a clear message and exit code."""


class ConfigError(NewsmillError):
    """The settings file or an option is invalid."""


class StoreError(NewsmillError):
    """The database cannot be opened, or a query is invalid."""


class QueryError(StoreError):
    """A search query is not valid full-text syntax."""
