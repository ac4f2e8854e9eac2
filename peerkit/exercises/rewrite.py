"""Rewrite: the learner rewrites given statements (closed to open, drama to winner's)."""

from __future__ import annotations

from html import escape
from typing import ClassVar

import ipywidgets as widgets

from peerkit.exercises.base import Exercise, fill_boxes, text_box
from peerkit.store.answers import Answer


class Rewrite(Exercise):
    """Each original statement is shown, with a box for the learner's rewrite.

    ``examples`` (optional, key -> text) offers one possible rewrite, shown only
    after the learner has written their own.
    """

    kind: ClassVar[str] = "rewrite"

    def build(
        self,
        *,
        statements: dict[str, str],
        examples: dict[str, str] | None = None,
        box_label: str = "Your rewrite",
    ) -> list[widgets.Widget]:
        if not statements:
            raise ValueError("rewrite needs at least one statement")
        self.examples = examples or {}
        self.boxes: dict[str, widgets.Textarea] = {}
        self.example_views: dict[str, widgets.HTML] = {}
        parts = []
        for number, (key, original) in enumerate(statements.items(), start=1):
            quote = widgets.HTML(
                f'<blockquote class="peerkit-original"><span class="peerkit-number">'
                f"{number}.</span> {escape(original)}</blockquote>"
            )
            box = text_box(f"{box_label} of statement {number}", rows=3)
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
            box.observe(lambda _c, k=key: self._show_example(k), names="value")
            example = widgets.HTML()
            example.add_class("peerkit-feedback")
            self.boxes[key] = box
            self.example_views[key] = example
            item = widgets.VBox([quote, box, example])
            item.add_class("peerkit-rewrite-item")
            parts.append(item)
        return parts

    def _show_example(self, key: str) -> None:
        text = self.examples.get(key)
        written = bool(self.boxes[key].value.strip())
        self.example_views[key].value = (
            f'<p class="peerkit-feedback-text"><strong>One possible rewrite:</strong> '
            f"{escape(text)}</p>"
            if text and written
            else ""
        )

    def get_value(self) -> Answer:
        return {key: box.value for key, box in self.boxes.items()}

    def set_value(self, value: Answer) -> None:
        fill_boxes(self.boxes.items(), value)
