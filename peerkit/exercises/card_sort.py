"""Card sort: sort cards into groups with a menu per card, so keyboard alone works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker, html, str_map
from peerkit.store.answers import Answer

UNSORTED = ""


class CardSort(Exercise):
    """Each card gets a group from its own menu; the groups are drawn beside them.

    ``groups`` and ``cards``: key -> label. ``feedback`` (optional, card key ->
    text) is shown once a card is placed. The answer maps each card key to its
    group key ("" while unsorted).
    """

    method: ClassVar[str] = "card_sort"
    kind: ClassVar[str] = "card-sort"
    redraw_on_save: ClassVar[bool] = True

    def build(
        self,
        *,
        groups: dict[str, str],
        cards: dict[str, str],
        feedback: dict[str, str] | None = None,
    ) -> list[form.Block]:
        if len(groups) < 2 or not cards:
            raise ValueError("card_sort needs two or more groups and at least one card")
        self.groups = groups
        self.cards = cards
        notes = feedback or {}
        choices = [(UNSORTED, "Choose a group…"), *groups.items()]
        blocks = []
        for key, text in cards.items():
            note = notes.get(key, "")
            placed = (
                dict.fromkeys(groups, html('<p class="peerkit-feedback-text">{}</p>', note))
                if note
                else None
            )
            blocks.append(form.menu(key, text, choices, feedback=placed, css="peerkit-card"))
        return [*blocks, form.panel("board", css="peerkit-sort-board")]

    def panels(self, values: Mapping[str, Any]) -> dict[str, str]:
        columns = []
        for group, label in self.groups.items():
            placed = [
                html("<li>{}</li>", text)
                for k, text in self.cards.items()
                if values.get(k) == group
            ]
            body = "".join(placed) or '<li class="peerkit-empty">No cards yet</li>'
            columns.append(
                html('<section class="peerkit-sort-group"><h3>{}</h3>', label)
                + f"<ul>{body}</ul></section>"
            )
        return {"board": f'<div class="peerkit-sort-columns">{"".join(columns)}</div>'}

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("cards"))

    @classmethod
    def shown(cls, options: Mapping[str, Any], value: str) -> str:
        return "Placed in: " + str_map(options.get("groups")).get(value, value)

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        first = next(iter(str_map(options.get("groups"))), "")
        return dict.fromkeys(cls.labels(options), first)
