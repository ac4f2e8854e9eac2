"""The session progress bar: exercises answered of the total, updated on every save."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from peerkit.store.answers import is_answered
from peerkit.store.revision import Revision


class ProgressBar(widgets.HTML):
    """'3 of 6 exercises answered', as text and a <progress> bar (two numbers, no text:
    drawn without a template so that session pages need no template engine)."""

    def __init__(self, total: int, answered: Iterable[str] = ()) -> None:
        super().__init__()
        self.add_class("peerkit-session-progress")
        self.total = total
        self.answered: set[str] = set(answered)
        self._draw()

    def record(self, revision: Revision) -> None:
        if is_answered(revision.value):
            self.answered.add(revision.exercise)
        else:
            self.answered.discard(revision.exercise)
        self._draw()

    def _draw(self) -> None:
        done, total = len(self.answered), int(self.total)
        self.value = (
            f'<div class="peerkit-progress" role="status">Your progress: {done} of {total} '
            f'exercises answered<progress max="{max(total, 1)}" value="{done}" '
            'aria-hidden="true"></progress></div>'
        )
