"""The session progress bar: exercises answered of the total, updated on every save."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from peerkit.store.answer_store import Revision


class ProgressBar(widgets.HTML):
    """'3 of 6 exercises answered', as text and a <progress> bar."""

    def __init__(self, total: int, answered: Iterable[str] = ()) -> None:
        super().__init__()
        self.add_class("peerkit-session-progress")
        self.total = total
        self.answered: set[str] = set(answered)
        self._draw()

    def record(self, revision: Revision) -> None:
        from peerkit.store.answers import is_answered

        if is_answered(revision.value):
            self.answered.add(revision.exercise)
        else:
            self.answered.discard(revision.exercise)
        self._draw()

    def _draw(self) -> None:
        done = len(self.answered)
        text = f"Your progress: {done} of {self.total} exercises answered"
        self.value = (
            f'<div class="peerkit-progress" role="status">{text}'
            f'<progress max="{max(self.total, 1)}" value="{done}" aria-hidden="true"></progress>'
            "</div>"
        )
