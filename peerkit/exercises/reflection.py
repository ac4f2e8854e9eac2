"""Reflection: one free-text answer; the prompt is the box's label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, TextMaker, text_box
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer


class Reflection(Exercise):
    """One free-text reflection."""

    method: ClassVar[str] = "reflection"
    kind: ClassVar[str] = "reflection"

    def build(self, *, rows: int = 6, placeholder: str = "") -> list[widgets.Widget]:
        self.box = text_box(self.prompt, rows=rows, placeholder=placeholder)
        self.watch(self.box)
        return [self.box]

    def header(self) -> list[widgets.Widget]:
        return []

    def get_value(self) -> Answer:
        return self.box.value

    def set_value(self, value: Answer) -> None:
        self.box.value = value if isinstance(value, str) else ""

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return text("")
