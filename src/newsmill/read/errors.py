"""The one way a reader says "this input is bad": raise `BadInput`, turned into a `Skip`."""

from __future__ import annotations

from newsmill.model import Skip

#: Skip reason codes the readers use, for counting at the end of a run.
REASONS = (
    "missing",  # the path does not exist
    "no_inputs",  # a directory or glob with no readable files
    "unreadable",  # the OS refused to read it
    "empty",  # zero bytes, or nothing but white space
    "binary",  # image, archive, executable: not text
    "garbage",  # decodes, but mostly to replacement or control characters
    "too_large",  # larger than ReadOptions.max_bytes, or a line over max_line_chars
    "bad_gzip",  # truncated or corrupt gzip
    "bad_warc",  # truncated or corrupt WARC
    "bad_json",  # a JSONL line that is not a JSON object with text or html
    "no_text",  # HTML or a record that renders to nothing usable
    "error",  # an unexpected failure inside a reader (logged with its traceback)
)


class BadInput(Exception):
    """An input that yields no page; `reason` is one of REASONS."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    def skip(self, source: str) -> Skip:
        return Skip(source=source, reason=self.reason, detail=self.detail)
