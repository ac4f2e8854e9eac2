"""Multi-box: several labelled boxes answered together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import BoxesExercise, str_map


class MultiBox(BoxesExercise):
    """Labelled boxes in a grid; the answer maps each box's key to its text.

    ``boxes``: key -> label, in the order shown.
    """

    method: ClassVar[str] = "multi_box"
    kind: ClassVar[str] = "multi-box"

    def build(self, *, boxes: dict[str, str], columns: int = 2, rows: int = 4) -> list[form.Block]:
        if not boxes:
            raise ValueError(f"{self.method} needs at least one box")
        return [self.arrange({k: form.text(k, v, rows=rows) for k, v in boxes.items()}, columns)]

    def arrange(self, boxes: dict[str, form.Block], columns: int) -> form.Block:
        return form.grid(boxes.values(), columns=columns)

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("boxes"))
