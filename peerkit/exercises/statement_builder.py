"""Statement builder: answer a few parts, then draft one statement from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, fill_boxes, str_map, text_box
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer

STATEMENT_KEY = "statement"


class StatementBuilder(Exercise):
    """Boxes for each part, and a final statement the learner can draft and edit.

    ``lead_ins`` (part key -> words such as "What's OK for me:") start each part
    in the drafted statement.
    """

    method: ClassVar[str] = "statement_builder"
    kind: ClassVar[str] = "statement-builder"

    def build(
        self,
        *,
        parts: dict[str, str],
        lead_ins: dict[str, str] | None = None,
        statement_label: str = "My statement",
        rows: int = 4,
    ) -> list[widgets.Widget]:
        if not parts or STATEMENT_KEY in parts:
            raise ValueError(f"statement_builder needs parts, none named {STATEMENT_KEY!r}")
        self.lead_ins = lead_ins or {}
        self.parts = {key: text_box(label, rows=rows) for key, label in parts.items()}
        for key, box in self.parts.items():
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
        self.statement = text_box(statement_label, rows=6)
        self.statement.add_class("peerkit-box-statement")
        self.watch(self.statement)
        self.draft_button = widgets.Button(
            description="Build my statement from my answers",
            layout=widgets.Layout(width="auto"),
        )
        self.draft_button.add_class("peerkit-draft")
        self.draft_button.on_click(lambda _b: self.draft())
        return [*self.parts.values(), self.draft_button, self.statement]

    def draft(self) -> None:
        """Put the parts together in the statement box, below anything already there."""
        pieces = [
            " ".join(p for p in (self.lead_ins.get(key, ""), box.value.strip()) if p)
            for key, box in self.parts.items()
            if box.value.strip()
        ]
        if not pieces:
            return
        draft = "\n\n".join(pieces)
        current = self.statement.value.rstrip()
        self.statement.value = f"{current}\n\n{draft}" if current else draft
        self.save_now()

    def get_value(self) -> Answer:
        value = {key: box.value for key, box in self.parts.items()}
        value[STATEMENT_KEY] = self.statement.value
        return value

    def set_value(self, value: Answer) -> None:
        fill_boxes([*self.parts.items(), (STATEMENT_KEY, self.statement)], value)

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return {**str_map(options.get("parts")), STATEMENT_KEY: str(options["statement_label"])}
