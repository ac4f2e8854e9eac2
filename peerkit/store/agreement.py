"""A group's agreement: the core behaviours its members agreed, recorded by a facilitator.

Recorded in the first session of each module (Module 1 Session 1, Module 2 Session 1)
for each group, drawing on what learners shared; every session of the module shows
it at the top. Each change is kept with its time. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerkit.errors import PeerkitError
from peerkit.store.rows import bounded_text

#: The longest agreement a facilitator can record.
MAX_AGREEMENT_CHARS = 10_000


class AgreementRejected(PeerkitError):
    """An agreement that is too long, or not text (the message never holds its text)."""


@dataclass(frozen=True)
class Agreement:
    """One group's agreement for one module, as last recorded."""

    id: int
    cohort: str
    module: str
    text: str
    author: str
    agreed_at: datetime


def checked_agreement(text: object) -> str:
    """The agreement with its ends trimmed ("" clears it); raises AgreementRejected."""
    return bounded_text(
        text, MAX_AGREEMENT_CHARS, AgreementRejected, what="the agreement", blank=None
    )
