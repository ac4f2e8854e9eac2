"""Ideas learners add to their group's board in a session page, and what became of them.

Where the course asks people to hear each other's ideas (the self-care toolbox, the
core behaviours, ...), a learner can add an idea to their group's board: without
their name unless they choose to give it. They can withdraw it; a facilitator can
hide it, with a reason that its contributor sees. Each of those is a change, kept
with its time. Standard library only (a learner's kernel imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerkit.errors import PeerkitError
from peerkit.store.rows import bounded_text

#: The longest idea a learner can add.
MAX_IDEA_CHARS = 2_000
#: The longest reason a facilitator can give for hiding one.
MAX_REASON_CHARS = 1_000
WITHDRAWN = "withdrawn"
HIDDEN = "hidden"


class IdeaRejected(PeerkitError):
    """An idea or a reason that is blank or too long (the message never holds its text)."""


class NoSuchIdea(PeerkitError):
    """Not an idea this person may change."""


@dataclass(frozen=True)
class Idea:
    """One idea on a group's board, as one viewer may see it.

    ``learner`` is None unless the contributor gave their name (``named``); their
    own ideas always name them to themselves. ``reason`` is the facilitator's, when hidden.
    """

    id: int
    cohort: str
    session: str
    board: str
    text: str
    learner: str | None
    named: bool
    mine: bool
    hidden: bool
    reason: str
    added_at: datetime
    #: Taken off the board by its contributor (only their own list keeps it: the portfolio).
    withdrawn: bool = False


def checked_text(text: object, limit: int, what: str) -> str:
    """``text`` trimmed; raises IdeaRejected when blank, not text, or over ``limit``."""
    return bounded_text(
        text, limit, IdeaRejected, what=f"your {what}", blank=f"Write your {what} first."
    )
