"""Paired: two boxes side by side, by default "what do I need to learn / to let go"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.multi_box import MultiBox


class Paired(MultiBox):
    """Two boxes side by side.

    ``carry_from=(session, exercise)`` offers the learner's answer to the same
    reflection in another session while this one is empty.
    """

    method: ClassVar[str] = "paired"
    kind: ClassVar[str] = "paired"

    def build(  # type: ignore[override]
        self,
        *,
        left: str = "What do I need to learn?",
        right: str = "What do I need to let go?",
        rows: int = 5,
    ) -> list[form.Block]:
        return super().build(boxes={"learn": left, "let-go": right}, columns=2, rows=rows)

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return {"learn": str(options["left"]), "let-go": str(options["right"])}
