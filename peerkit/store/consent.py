"""Who may see an answer: the learner's choice, its words, and what each viewer may see.

Every answer is private until its learner chooses otherwise, and they can change the
choice at any time. Standard library only (a learner's kernel imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerkit.errors import PeerkitError

PRIVATE = "private"
FACILITATOR = "facilitator"
GROUP = "group"
GROUP_NAMED = "group-named"

#: Every choice, in the order a learner is offered them, with what it says.
AUDIENCES: dict[str, str] = {
    PRIVATE: "Only me",
    FACILITATOR: "Me and my facilitator",
    GROUP: "My group, without my name",
    GROUP_NAMED: "My group, with my name",
}
#: What each choice means, said beside it.
HINTS: dict[str, str] = {
    PRIVATE: "Nobody else can see this answer.",
    FACILITATOR: "Your facilitator sees it with your name. Other learners do not.",
    GROUP: "Your group and facilitator see it, with no name, not even to your facilitator.",
    GROUP_NAMED: "Your group and facilitator see it with your name.",
}
#: The choices a facilitator's board shows, and a group's board.
FOR_FACILITATOR = frozenset({FACILITATOR, GROUP, GROUP_NAMED})
FOR_GROUP = frozenset({GROUP, GROUP_NAMED})
#: The choices that show the learner's name to whoever sees the answer.
NAMED = frozenset({FACILITATOR, GROUP_NAMED})


class UnknownAudience(PeerkitError):
    """Not one of the choices in AUDIENCES."""


def checked(audience: object) -> str:
    """``audience`` if it is one of the choices; raises UnknownAudience otherwise."""
    if not isinstance(audience, str) or audience not in AUDIENCES:
        raise UnknownAudience("Choose who can see this answer from the choices offered.")
    return audience


@dataclass(frozen=True)
class Consent:
    """One learner's choice of who may see one answer, and when they made it."""

    id: int
    learner: str
    session: str
    exercise: str
    audience: str
    changed_at: datetime
    #: The one group a choice of "my group" is for; None in a choice recorded before
    #: groups were named (the learner's group while they have only one).
    group: str | None = None

    @property
    def label(self) -> str:
        return AUDIENCES.get(self.audience, AUDIENCES[PRIVATE])


@dataclass(frozen=True)
class SharedAnswer:
    """An answer someone chose to share, as a board shows it (``learner`` None: no name)."""

    revision: int
    learner: str | None
    session: str
    exercise: str
    value: object
    saved_at: datetime
    audience: str
