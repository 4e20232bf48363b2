"""Fault injection for tests: make a worker die, or a page fail, on purpose.

Set ``NEWSMILL_FAULTS`` to a comma-separated list of rules; workers inherit it:

- ``kill:STAGE:UNIT`` - the worker running UNIT of STAGE (e.g. ``kill:segment:shard-00001``)
  exits at once, without cleanup, on its first attempt (as if killed by the OOM killer);
- ``page:STAGE:TEXT`` - a page whose source contains TEXT raises in STAGE.

Unset, these checks cost one environment look-up per task.
"""

from __future__ import annotations

import os

from newsmill.model import Page

ENV = "NEWSMILL_FAULTS"


class InjectedFault(RuntimeError):
    """A page failure asked for by NEWSMILL_FAULTS."""


def _rules(kind: str) -> list[tuple[str, str]]:
    rules = []
    for rule in filter(None, os.environ.get(ENV, "").split(",")):
        parts = rule.split(":", 2)
        if len(parts) == 3 and parts[0] == kind:
            rules.append((parts[1], parts[2]))
    return rules


def maybe_kill(stage: str, unit: str, attempt: int) -> None:
    """Exit the process on the first attempt of a unit named in a ``kill`` rule."""
    if attempt == 1 and (stage, unit) in _rules("kill"):
        os._exit(70)


def check_page(stage: str, page: Page) -> None:
    """Raise for a page named in a ``page`` rule."""
    for rule_stage, text in _rules("page"):
        if rule_stage == stage and text in page.source:
            raise InjectedFault(f"injected failure for {page.source}")
