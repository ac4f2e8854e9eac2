"""The session progress bar: exercises answered of the total, updated on every save."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from peerkit.pages.templating import macros
from peerkit.store.answer_store import Revision

TEMPLATE = "pages/progress_bar.html.j2"


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
        self.value = str(macros(TEMPLATE).progress(len(self.answered), self.total))
