"""Who is in which group of the class, as JupyterHub says: the boards' only source.

A cohort is any JupyterHub group except ``facilitators``; membership of
``facilitators`` makes someone a facilitator. A facilitator sees the learners of
the cohorts they are in, and a learner sees their own cohorts' boards, each apart. The service
reads the groups with its own token (role ``peerkit-service``: ``list:groups`` and
``read:groups``), a few seconds old at most.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

FACILITATORS_GROUP = "facilitators"
#: Scopes the service's token needs to read the groups.
GROUP_SCOPES = ("list:groups", "read:groups")
#: How long a reading of the groups is used before asking the hub again...
MAX_AGE_SECONDS = 3.0
#: ...or this long, when it does not know the person asking (someone just added).
UNKNOWN_MAX_AGE_SECONDS = 0.5
PAGE = 200

Fetch = Callable[[str], Awaitable[bytes]]


class GroupsUnavailable(Exception):
    """The hub could not say who is in which group (no board is shown then)."""


@dataclass(frozen=True)
class Cohorts:
    """Each group's members, and the facilitators."""

    members: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_groups(cls, groups: Iterable[Mapping[str, object]]) -> Cohorts:
        members: dict[str, frozenset[str]] = {}
        for group in groups:
            name, users = group.get("name"), group.get("users")
            if isinstance(name, str) and isinstance(users, list):
                members[name] = frozenset(u for u in users if isinstance(u, str))
        return cls(members)

    @property
    def facilitators(self) -> frozenset[str]:
        return self.members.get(FACILITATORS_GROUP, frozenset())

    def is_facilitator(self, user: str) -> bool:
        return user in self.facilitators

    def cohorts_of(self, user: str) -> list[str]:
        """The cohorts ``user`` is in, by name."""
        return sorted(
            name for name, users in self.members.items()
            if name != FACILITATORS_GROUP and user in users
        )  # fmt: skip

    def learners_of(self, facilitator: str, cohort: str | None = None) -> frozenset[str]:
        """The learners a facilitator sees: their cohorts' members who are not facilitators."""
        if not self.is_facilitator(facilitator):
            return frozenset()
        names = self.cohorts_of(facilitator)
        if cohort is not None:
            names = [name for name in names if name == cohort]
        seen: set[str] = set()
        for name in names:
            seen |= self.members[name]
        return frozenset(seen - self.facilitators)

    def members_of(self, cohort: str) -> frozenset[str]:
        """The learners of one cohort (its facilitators left out)."""
        return frozenset(self.members.get(cohort, frozenset()) - self.facilitators)

    def alone_in(self, learners: Iterable[str], cohorts: Iterable[str]) -> frozenset[str]:
        """Those of ``learners`` whose only cohort is one of ``cohorts``: for whom a
        choice of "my group" that names no group (an older one) means it."""
        names = set(cohorts)
        return frozenset(
            who for who in learners if len(mine := self.cohorts_of(who)) == 1 and mine[0] in names
        )


class HubGroups:
    """Reads the hub's groups (paginated), keeping each reading ``max_age`` seconds."""

    def __init__(self, api_url: str, fetch: Fetch, *, max_age: float = MAX_AGE_SECONDS) -> None:
        self.api_url = api_url.rstrip("/")
        self.fetch = fetch
        self.max_age = max_age
        self._read_at = -1e9
        self._cohorts = Cohorts()
        self._lock = asyncio.Lock()

    def knows(self, cohorts: Cohorts, user: str) -> bool:
        return any(user in members for members in cohorts.members.values())

    async def cohorts(self, asking: str | None = None) -> Cohorts:
        """The groups; read again when old, or sooner when they do not know ``asking``."""
        async with self._lock:
            age = time.monotonic() - self._read_at
            stale = age > self.max_age
            if asking is not None and not self.knows(self._cohorts, asking):
                stale = stale or age > UNKNOWN_MAX_AGE_SECONDS
            if stale:
                self._cohorts = await self._read()
                self._read_at = time.monotonic()
            return self._cohorts

    async def _read(self) -> Cohorts:
        groups: list[Mapping[str, object]] = []
        offset = 0
        while True:
            query = urlencode({"offset": offset, "limit": PAGE})
            try:
                data = json.loads(await self.fetch(f"{self.api_url}/groups?{query}"))
                items = data["items"]
                total = int(data["_pagination"]["total"])
            except Exception as exc:  # any failure at all: no board, said plainly
                raise GroupsUnavailable() from exc
            groups.extend(item for item in items if isinstance(item, dict))
            offset += PAGE
            if offset >= total or not items:
                return Cohorts.from_groups(groups)
