"""Reflection: one free-text answer; the prompt is the box's label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker
from peerkit.store.answers import Answer

TEXT = "text"


class Reflection(Exercise):
    """One free-text reflection, stored as text."""

    method: ClassVar[str] = "reflection"
    kind: ClassVar[str] = "reflection"

    def build(self, *, rows: int = 6, placeholder: str = "") -> list[form.Block]:
        return [form.text(TEXT, self.prompt, rows=rows, placeholder=placeholder)]

    def header(self) -> list[form.Block]:
        return []

    def to_form(self, value: Answer) -> dict[str, Any]:
        return {TEXT: value if isinstance(value, str) else ""}

    def from_form(self, values: Mapping[str, Any]) -> Answer:
        return str(values.get(TEXT, ""))

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return text("")
