"""Choice with feedback: pick an option for each statement, then read why (no score)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, TextMaker, html, str_map
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer


class ChoiceSet(Exercise):
    """Statements sharing one set of options; feedback written for each choice follows.

    ``options``: option key -> label. ``items``: dicts with ``key``, ``text`` and
    ``feedback`` (option key -> text). The answer maps each item key to the chosen
    option key.
    """

    method: ClassVar[str] = "choice"
    kind: ClassVar[str] = "choice"

    def build(
        self, *, options: dict[str, str], items: list[dict[str, Any]]
    ) -> list[widgets.Widget]:
        if not options or not items:
            raise ValueError("choice needs options and at least one item")
        self.options = options
        self.radios: dict[str, widgets.RadioButtons] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self._feedback_text: dict[str, dict[str, str]] = {}
        parts = []
        for number, item in enumerate(items, start=1):
            key = str(item["key"])
            radios = widgets.RadioButtons(
                options=[(label, value) for value, label in options.items()],
                value=None,
                description=f"Your choice for statement {number}",
                style={"description_width": "initial"},
            )
            radios.add_class("peerkit-input")
            radios.add_class("peerkit-radios")
            feedback = widgets.HTML()
            feedback.add_class("peerkit-feedback")
            self._feedback_text[key] = str_map(item["feedback"])
            radios.observe(lambda _c, k=key: self._chosen(k), names="value")
            self.radios[key] = radios
            self.feedback[key] = feedback
            statement = widgets.HTML(
                html(
                    '<p class="peerkit-statement"><span class="peerkit-number">{}.</span> {}</p>',
                    number,
                    item["text"],
                )
            )
            card = widgets.VBox([statement, radios, feedback])
            card.add_class("peerkit-choice-item")
            parts.append(card)
        return parts

    def _chosen(self, key: str) -> None:
        self._show_feedback(key)
        self.changed_now()

    def _show_feedback(self, key: str) -> None:
        choice = self.radios[key].value
        if choice is None:
            self.feedback[key].value = ""
            return
        self.feedback[key].value = html(
            '<div class="peerkit-feedback-text" role="status"><strong>You chose {}.</strong> '
            "{}</div>",
            self.options.get(choice, ""),
            self._feedback_text[key].get(choice, ""),
        )

    def get_value(self) -> Answer:
        return {key: radios.value or "" for key, radios in self.radios.items()}

    def set_value(self, value: Answer) -> None:
        if not isinstance(value, dict):
            return
        for key, radios in self.radios.items():
            chosen = value.get(key)
            radios.value = chosen if chosen in self.options else None
            self._show_feedback(key)

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        items = options.get("items")
        return {
            str(i["key"]): str(i.get("text", ""))
            for i in (items if isinstance(items, list) else ())
            if isinstance(i, dict) and "key" in i
        }

    @classmethod
    def shown(cls, options: Mapping[str, Any], value: str) -> str:
        return "My answer: " + str_map(options.get("options")).get(value, value)

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        first = next(iter(str_map(options.get("options"))), "")
        return dict.fromkeys(cls.labels(options), first)
