"""Which pages keep a pre-heated kernel: the ones a learner is likely to open next.

A pre-heated kernel costs about 60 MB whether anyone opens its page or not, so
``peerkit serve`` keeps three, chosen by where the learner is:

- on the course home or My data, and at start-up: the home, My data and the session
  the home's "Continue" link probably points to (at start-up the one it points to;
  later the one after the session last opened). From the home any other session is as
  likely as that one.
- on a session page: the home, that session (a reload, or Continue later) and the one
  after it (its Next link).

Moving between the two lets the pre-heated kernels of pages that left the set go; a
page outside the set is served like any page, without waiting for a pre-heated kernel.

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
    """The course's pages (notebook paths; sessions in course order) and the session
    the home's "Continue" link pointed to at start-up."""

    home: str
    sessions: tuple[str, ...]
    my_data: str = ""
    continue_at: str | None = None

    def pages(self) -> tuple[str, ...]:
        return tuple(page for page in (self.home, self.my_data, *self.sessions) if page)

    def warm(self, page: str | None = None, last_session: str | None = None) -> set[str]:
        """The pages to keep pre-heated while a learner is on ``page`` (None: nobody
        yet), the last session they opened being ``last_session``."""
        if page in self.sessions:
            index = self.sessions.index(page)
            warm = {self.home, *self.sessions[index : index + 2]}
        elif last_session in self.sessions:
            index = self.sessions.index(last_session)
            warm = {self.home, self.my_data, self.sessions[min(index + 1, len(self.sessions) - 1)]}
        else:
            warm = {self.home, self.my_data, self.continue_at or ""}
        return {name for name in warm if name in self.pages()}

    def pools(self, page: str | None = None, last_session: str | None = None) -> dict[str, Any]:
        """Voilà's ``kernel_pools_config`` for a learner on ``page`` (as ``warm``)."""
        warm = self.warm(page, last_session)
        pools = {"default": {"pool_size": 0}}
        pools.update({name: {"pool_size": int(name in warm)} for name in self.pages()})
        return pools


def preheat_plan(config: Mapping[str, Any]) -> PreheatPlan:
    """The plan in a Voilà configuration (none: nothing to follow)."""
    section = config.get(SECTION) or {}
    return PreheatPlan(
        str(section.get("home", "")),
        tuple(section.get("sessions", ())),
        str(section.get("my_data", "")),
        section.get("continue_at") or None,
    )
