"""Statement builder: answer a few parts, then draft one statement from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, str_map

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
    ) -> list[form.Block]:
        if not parts or STATEMENT_KEY in parts:
            raise ValueError(f"statement_builder needs parts, none named {STATEMENT_KEY!r}")
        return [
            *(form.text(key, label, rows=rows) for key, label in parts.items()),
            form.compose(
                STATEMENT_KEY,
                parts,
                button="Build my statement from my answers",
                lead_ins=lead_ins,
            ),
            form.text(STATEMENT_KEY, statement_label, rows=6),
        ]

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return {**str_map(options.get("parts")), STATEMENT_KEY: str(options["statement_label"])}
