"""One saved version of one answer, as every store backend returns it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerkit.store.answers import Answer


@dataclass(frozen=True)
class Revision:
    """One saved version of one answer."""

    id: int
    learner: str
    session: str
    exercise: str
    value: Answer
    saved_at: datetime
