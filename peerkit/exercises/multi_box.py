"""Multi-box: several labelled boxes answered together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import BoxesExercise, str_map, text_box
from peerkit.exercises.ui import widgets


class MultiBox(BoxesExercise):
    """Labelled boxes in a grid; the answer maps each box's key to its text.

    ``boxes``: key -> label, in the order shown.
    """

    method: ClassVar[str] = "multi_box"
    kind: ClassVar[str] = "multi-box"

    def build(
        self, *, boxes: dict[str, str], columns: int = 2, rows: int = 4
    ) -> list[widgets.Widget]:
        if not boxes:
            raise ValueError(f"{self.method} needs at least one box")
        self.boxes = {key: text_box(label, rows=rows) for key, label in boxes.items()}
        for key, box in self.boxes.items():
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
        return [self.arrange(columns)]

    def arrange(self, columns: int) -> widgets.Widget:
        grid = widgets.GridBox(
            list(self.boxes.values()),
            layout=widgets.Layout(
                grid_template_columns=f"repeat({columns}, minmax(0, 1fr))", grid_gap="0.75rem"
            ),
        )
        grid.add_class("peerkit-grid")
        return grid

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("boxes"))
