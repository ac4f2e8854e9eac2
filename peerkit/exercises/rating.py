"""Rating: score each statement on a scale, with an explicit "not rated"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, TextMaker, fill_menus, str_map
from peerkit.exercises.ui import widgets
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
    ) -> list[widgets.Widget]:
        if not items or minimum >= maximum:
            raise ValueError("rating needs items and a scale with minimum below maximum")
        choices = [("Not rated", NOT_RATED)]
        for score in range(minimum, maximum + 1):
            words = f" ({low})" if score == minimum else f" ({high})" if score == maximum else ""
            choices.append((f"{score}{words}", str(score)))
        self.menus: dict[str, widgets.Dropdown] = {}
        for key, label in items.items():
            menu = widgets.Dropdown(
                options=choices,
                value=NOT_RATED,
                description=label,
                style={"description_width": "initial"},
            )
            menu.add_class("peerkit-input")
            menu.add_class(f"peerkit-rate-{key}")
            menu.observe(lambda _c: self.changed_now(), names="value")
            self.menus[key] = menu
        return list(self.menus.values())

    def get_value(self) -> Answer:
        return {key: menu.value for key, menu in self.menus.items()}

    def set_value(self, value: Answer) -> None:
        fill_menus(self.menus, value, NOT_RATED)

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
