"""Input readers: text, HTML, WARC and JSONL captures to `Page` records (or `Skip`s)."""

from __future__ import annotations

from newsmill.read.errors import REASONS
from newsmill.read.sources import count_inputs, iter_inputs, read_file

__all__ = ["REASONS", "count_inputs", "iter_inputs", "read_file"]
