"""Short text: one line, such as the learner's display name. A tool, not a course exercise."""

from __future__ import annotations

from typing import ClassVar

from peerkit.exercises.base import Exercise
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer


class ShortText(Exercise):
    """A single labelled line (not counted in progress; authors do not call it)."""

    kind: ClassVar[str] = "short-text"
    counted: ClassVar[bool] = False

    def build(self, *, placeholder: str = "") -> list[widgets.Widget]:
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

    def header(self) -> list[widgets.Widget]:
        return []

    def get_value(self) -> Answer:
        return self.box.value

    def set_value(self, value: Answer) -> None:
        self.box.value = value if isinstance(value, str) else ""
