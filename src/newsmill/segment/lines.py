"""Splitting a page's text into numbered non-empty lines with character offsets."""

from __future__ import annotations

from newsmill.model import Line


def split_lines(text: str) -> list[Line]:
    """Every non-empty line, 1-based numbers, offsets of its stripped span in ``text``."""
    lines: list[Line] = []
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped:
            start = offset + (len(raw) - len(raw.lstrip()))
            lines.append(Line(number, start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines
