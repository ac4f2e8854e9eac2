"""Which pages keep a pre-heated kernel: the ones a learner is likely to open next.

A pre-heated kernel costs about 55 MB whether anyone opens its page or not, so
``peerkit serve`` keeps only three: the course home (every visit starts there), the
session the learner is on and the one after it. At start-up "the session the learner
is on" is where the home's "Continue" link points; after that it is the last session
page asked for. Opening another session moves the set (the pre-heated kernels of pages
that left it are shut down); a page outside the set is served like any page, without
waiting for a pre-heated kernel.

Voilà's configuration file carries the plan in a section of its own
(``c.PeerkitPreheat``); the pre-heating manager in peerkit/serve/voila_app.py reads
it there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SECTION = "PeerkitPreheat"


@dataclass(frozen=True)
class PreheatPlan:
    """The home page and the session pages in course order (notebook paths)."""

    home: str
    sessions: tuple[str, ...]

    def pages(self) -> tuple[str, ...]:
        return (self.home, *self.sessions) if self.home else self.sessions

    def warm(self, current: str | None) -> set[str]:
        """The pages to keep pre-heated while a learner is on ``current`` (a session)."""
        warm = {self.home} if self.home else set()
        if current in self.sessions:
            index = self.sessions.index(current)
            warm.update(self.sessions[index : index + 2])
        return warm

    def pools(self, current: str | None) -> dict[str, dict[str, int]]:
        """Voilà's ``kernel_pools_config`` for a learner on ``current``."""
        warm = self.warm(current)
        pools = {"default": {"pool_size": 0}}
        pools.update({page: {"pool_size": int(page in warm)} for page in self.pages()})
        return pools


def preheat_plan(config: Mapping[str, Any]) -> PreheatPlan:
    """The plan in a Voilà configuration (none: nothing to follow)."""
    section = config.get(SECTION) or {}
    return PreheatPlan(str(section.get("home", "")), tuple(section.get("sessions", ())))
