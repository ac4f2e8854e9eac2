"""Which pages keep a pre-heated kernel: the ones a learner is likely to open next.

A pre-heated kernel costs about 55 MB whether anyone opens its page or not, so
``peerkit serve`` keeps only a few. At start-up, two: the course home (every visit
starts there) and the session its "Continue" link points to; from the home, any other
session is as likely as the one after. Once a learner opens a session, three: the
home, that session (a reload, or Continue later) and the one after it (its Next
link). Opening another session moves the set (the pre-heated kernels of pages that
left it are shut down); a page outside the set is served like any page, without
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

    def warm(self, current: str | None, *, opened: bool = True) -> set[str]:
        """The pages to keep pre-heated while a learner is on ``current`` (a session):
        with the one after it once they have ``opened`` it, not at start-up."""
        warm = {self.home} if self.home else set()
        if current in self.sessions:
            index = self.sessions.index(current)
            warm.update(self.sessions[index : index + (2 if opened else 1)])
        return warm

    def pools(self, current: str | None, *, opened: bool = True) -> dict[str, dict[str, int]]:
        """Voilà's ``kernel_pools_config`` for a learner on ``current``."""
        warm = self.warm(current, opened=opened)
        pools = {"default": {"pool_size": 0}}
        pools.update({page: {"pool_size": int(page in warm)} for page in self.pages()})
        return pools


def preheat_plan(config: Mapping[str, Any]) -> PreheatPlan:
    """The plan in a Voilà configuration (none: nothing to follow)."""
    section = config.get(SECTION) or {}
    return PreheatPlan(str(section.get("home", "")), tuple(section.get("sessions", ())))
