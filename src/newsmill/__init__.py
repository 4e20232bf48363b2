"""newsmill: messy news page captures in, a clean, deduplicated, searchable record out."""

__version__ = "0.1.0"
