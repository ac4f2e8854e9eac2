"""Work a learner submits to their facilitator, and the facilitator's written feedback.

A submission freezes the answer as it was saved at that moment (its own copy:
later edits do not change it), and is seen only by the learner and the
facilitators of their groups. Feedback is written on the facilitator's board and
read by the learner in the session and in the portfolio. Standard library only
(a learner's kernel imports it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from peerkit.errors import PeerkitError
from peerkit.store.rows import bounded_text

#: The longest feedback a facilitator can write on one submission.
MAX_FEEDBACK_CHARS = 20_000


class NothingToSubmit(PeerkitError):
    """The answer is blank, so there is nothing to send."""


class NoSuchSubmission(PeerkitError):
    """Not a submission this facilitator may see."""


class FeedbackRejected(PeerkitError):
    """Feedback that is blank or too long (the message never holds its text)."""


@dataclass(frozen=True)
class Feedback:
    """A facilitator's written feedback on one submission."""

    id: int
    submission: int
    author: str
    text: str
    given_at: datetime


@dataclass(frozen=True)
class Submission:
    """One answer as the learner submitted it, with the feedback on it, oldest first."""

    id: int
    learner: str
    session: str
    exercise: str
    revision: int
    value: object
    submitted_at: datetime
    feedback: tuple[Feedback, ...] = field(default=())


def checked_feedback(text: object) -> str:
    """The feedback with its ends trimmed; raises FeedbackRejected if blank or too long."""
    return bounded_text(
        text, MAX_FEEDBACK_CHARS, FeedbackRejected, what="feedback",
        blank="Write some feedback before you send it.",
    )  # fmt: skip
