"""What every answer store does, whichever backend keeps the answers.

``AnswerStore`` (peerkit/store/answer_store.py) keeps them in a database through
SQLAlchemy; ``ServiceStore`` (peerkit/hub/client.py) asks the class's peerkit hub
service over HTTP, which keeps them in PostgreSQL. Pages, exercises, progress, the
portfolio and erase use only these methods, so they work the same on both.
"""

from __future__ import annotations

from typing import Any, Protocol

from peerkit.store.agreement import Agreement
from peerkit.store.consent import Consent
from peerkit.store.ideas import Idea
from peerkit.store.revision import Revision
from peerkit.store.submission import Submission


class Store(Protocol):
    """Every learner's answers, with their full revision history."""

    def close(self) -> None: ...

    def wait_briefly(self, timeout_ms: int = ...) -> None:
        """Give up quickly from now on (the last save as the kernel shuts down)."""

    def save(self, learner: str, session: str, exercise: str, value: Any) -> Revision: ...

    def save_over(
        self, learner: str, session: str, exercise: str, value: Any, *, base: int | None
    ) -> tuple[Revision, Revision | None]: ...

    def draft_secret(self, learner: str) -> str: ...

    def latest(self, learner: str, session: str, exercise: str) -> Revision | None: ...

    def history(self, learner: str, session: str, exercise: str) -> list[Revision]: ...

    def all_revisions(self, learner: str) -> list[Revision]: ...

    def current_answers(self, learner: str, session: str | None = None) -> list[Revision]: ...

    def count_revisions(self, learner: str) -> int: ...

    def erase_learner(self, learner: str) -> int: ...

    def set_consent(
        self, learner: str, session: str, exercise: str, audience: str, group: str | None = None
    ) -> Consent: ...

    def consent(self, learner: str, session: str, exercise: str) -> Consent | None: ...

    def consents(self, learner: str) -> list[Consent]: ...

    def submit(self, learner: str, session: str, exercise: str) -> Submission: ...

    def submissions(self, learner: str, session: str | None = None) -> list[Submission]: ...

    def own_ideas(self, learner: str) -> list[Idea]:
        """Every idea the learner added to a group's board (withdrawn ones too)."""
        ...

    def group_agreements(self, learner: str, module: str) -> list[Agreement]:
        """The agreement of each of the learner's groups for ``module``."""
        ...

    @property
    def sharing(self) -> bool:
        """True when the learner is in a group, so their answers can be shared."""
        ...

    @property
    def in_file(self) -> bool:
        """True when the answers are in a file on this computer (a path to show)."""
        ...

    @property
    def location(self) -> str:
        """Where the answers are kept, in plain words."""
        ...
