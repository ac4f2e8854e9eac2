"""Sort into groups: a card sort done with a menu per card, so keyboard alone works."""

from __future__ import annotations

from html import escape
from typing import ClassVar

import ipywidgets as widgets

from peerkit.exercises.base import Exercise
from peerkit.store.answers import Answer

UNSORTED = ""


class CardSort(Exercise):
    """Each card gets a group from its own menu; the groups are drawn beside them.

    ``feedback`` (optional, card key -> text) is shown once a card is placed.
    The answer maps each card key to its group key ("" while unsorted).
    """

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
        self.changed()
        if not self._restoring:
            self.save_now()

    def _note(self, key: str) -> None:
        placed = self.menus[key].value != UNSORTED
        text = self._card_feedback.get(key, "")
        self.notes[key].value = (
            f'<p class="peerkit-feedback-text">{escape(text)}</p>' if placed and text else ""
        )

    def _draw(self) -> None:
        columns = []
        for group, label in self.groups.items():
            placed = [
                f"<li>{escape(self.cards[k])}</li>"
                for k, menu in self.menus.items()
                if menu.value == group
            ]
            body = "".join(placed) or '<li class="peerkit-empty">No cards yet</li>'
            columns.append(
                f'<section class="peerkit-sort-group"><h4>{escape(label)}</h4>'
                f"<ul>{body}</ul></section>"
            )
        self.board.value = f'<div class="peerkit-sort-columns">{"".join(columns)}</div>'

    def get_value(self) -> Answer:
        return {key: menu.value for key, menu in self.menus.items()}

    def set_value(self, value: Answer) -> None:
        if not isinstance(value, dict):
            return
        for key, menu in self.menus.items():
            group = value.get(key, UNSORTED)
            menu.value = group if group in self.groups else UNSORTED
            self._note(key)
        self._draw()
