"""Rewrite: the learner rewrites given statements (closed to open, drama to winner's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import BoxesExercise, html, str_map, text_box
from peerkit.exercises.ui import widgets


class Rewrite(BoxesExercise):
    """Each original statement is shown, with a box for the learner's rewrite.

    ``examples`` (optional, key -> text) offers one possible rewrite, shown only
    after the learner has written their own.
    """

    method: ClassVar[str] = "rewrite"
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
        self.boxes = {}
        self.example_views: dict[str, widgets.HTML] = {}
        parts = []
        for number, (key, original) in enumerate(statements.items(), start=1):
            quote = widgets.HTML(
                html(
                    '<blockquote class="peerkit-original"><span class="peerkit-number">{}.</span>'
                    " {}</blockquote>",
                    number,
                    original,
                )
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
            html(
                '<p class="peerkit-feedback-text"><strong>One possible rewrite:</strong> {}</p>',
                text,
            )
            if text and written
            else ""
        )

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("statements"))
