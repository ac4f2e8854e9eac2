"""Short text: one line, such as the learner's display name. A tool, not a course exercise."""

from __future__ import annotations

from typing import ClassVar

from peerkit.exercises import form
from peerkit.exercises.reflection import TEXT, Reflection


class ShortText(Reflection):
    """A single labelled line (not counted in progress; authors do not call it)."""

    method: ClassVar[str] = ""
    kind: ClassVar[str] = "short-text"
    counted: ClassVar[bool] = False

    def build(self, *, placeholder: str = "") -> list[form.Block]:  # type: ignore[override]
        return [form.line(TEXT, self.prompt, placeholder=placeholder)]
