"""Card sort: sort cards into groups with a menu per card, so keyboard alone works."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, TextMaker, fill_menus, html, str_map
from peerkit.exercises.ui import widgets
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

    def build(
        self,
        *,
        groups: dict[str, str],
        cards: dict[str, str],
        feedback: dict[str, str] | None = None,
    ) -> list[widgets.Widget]:
        if len(groups) < 2 or not cards:
            raise ValueError("card_sort needs two or more groups and at least one card")
        self.groups = groups
        self.cards = cards
        self._card_feedback = feedback or {}
        self.menus: dict[str, widgets.Dropdown] = {}
        self.notes: dict[str, widgets.HTML] = {}
        rows = []
        for key, text in cards.items():
            menu = widgets.Dropdown(
                options=[("Choose a group…", UNSORTED)]
                + [(label, value) for value, label in groups.items()],
                value=UNSORTED,
                description=text,
                style={"description_width": "initial"},
                layout=widgets.Layout(width="100%"),
            )
            menu.add_class("peerkit-input")
            menu.add_class("peerkit-card")
            menu.observe(lambda _c, k=key: self._placed(k), names="value")
            note = widgets.HTML()
            note.add_class("peerkit-feedback")
            self.menus[key] = menu
            self.notes[key] = note
            rows.append(widgets.VBox([menu, note]))
        self.board = widgets.HTML()
        self.board.add_class("peerkit-sort-board")
        self._draw()
        return [*rows, self.board]

    def _placed(self, key: str) -> None:
        self._note(key)
        self._draw()
        self.changed_now()

    def _note(self, key: str) -> None:
        placed = self.menus[key].value != UNSORTED
        text = self._card_feedback.get(key, "")
        self.notes[key].value = (
            html('<p class="peerkit-feedback-text">{}</p>', text) if placed and text else ""
        )

    def _draw(self) -> None:
        columns = []
        for group, label in self.groups.items():
            placed = [
                html("<li>{}</li>", self.cards[k])
                for k, menu in self.menus.items()
                if menu.value == group
            ]
            body = "".join(placed) or '<li class="peerkit-empty">No cards yet</li>'
            columns.append(
                html('<section class="peerkit-sort-group"><h4>{}</h4>', label)
                + f"<ul>{body}</ul></section>"
            )
        self.board.value = f'<div class="peerkit-sort-columns">{"".join(columns)}</div>'

    def get_value(self) -> Answer:
        return {key: menu.value for key, menu in self.menus.items()}

    def set_value(self, value: Answer) -> None:
        fill_menus(self.menus, value, UNSORTED)
        for key in self.menus:
            self._note(key)
        self._draw()

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
