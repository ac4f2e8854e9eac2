"""Short text: one line, such as the learner's display name. A tool, not a course exercise."""

from __future__ import annotations

from typing import ClassVar

from peerkit.exercises.reflection import Reflection
from peerkit.exercises.ui import widgets


class ShortText(Reflection):
    """A single labelled line (not counted in progress; authors do not call it)."""

    method: ClassVar[str] = ""
    kind: ClassVar[str] = "short-text"
    counted: ClassVar[bool] = False

    def build(self, *, placeholder: str = "") -> list[widgets.Widget]:  # type: ignore[override]
        self.box = widgets.Text(
            description=self.prompt,
            placeholder=placeholder,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
        )
        self.box.add_class("peerkit-input")
        self.watch(self.box)
        return [self.box]
