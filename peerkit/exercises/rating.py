"""Rating: score each statement on a scale, with an explicit "not rated"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker, str_map
from peerkit.store.answers import Answer

NOT_RATED = ""


class RatingSet(Exercise):
    """One menu per statement from ``minimum`` to ``maximum``; stored as text ("7")."""

    method: ClassVar[str] = "rating"
    kind: ClassVar[str] = "rating"

    def build(
        self,
        *,
        items: dict[str, str],
        low: str = "not at all",
        high: str = "completely",
        minimum: int = 1,
        maximum: int = 10,
    ) -> list[form.Block]:
        if not items or minimum >= maximum:
            raise ValueError("rating needs items and a scale with minimum below maximum")
        choices = [(NOT_RATED, "Not rated")]
        for score in range(minimum, maximum + 1):
            words = f" ({low})" if score == minimum else f" ({high})" if score == maximum else ""
            choices.append((str(score), f"{score}{words}"))
        return [
            form.menu(key, label, choices, css=f"peerkit-rate-{key}")
            for key, label in items.items()
        ]

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("items"))

    @classmethod
    def shown(cls, options: Mapping[str, Any], value: str) -> str:
        return f"{value} out of {options['maximum']}"

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        score = min(max(7, int(options["minimum"])), int(options["maximum"]))
        return dict.fromkeys(cls.labels(options), str(score))
