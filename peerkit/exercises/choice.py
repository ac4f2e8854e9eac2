"""Choice with feedback: pick an option for each statement, then read why (no score)."""

from __future__ import annotations

from html import escape
from typing import Any, ClassVar

import ipywidgets as widgets

from peerkit.exercises.base import Exercise
from peerkit.store.answers import Answer

NOT_CHOSEN = "(not chosen yet)"


class ChoiceSet(Exercise):
    """Statements sharing one set of options; feedback follows each choice.

    ``items``: dicts with ``key``, ``text`` and ``feedback`` (option key -> text).
    The answer maps each item key to the chosen option key.
    """

    kind: ClassVar[str] = "choice"

    def build(self, *, options: dict[str, str], items: list[dict[str, Any]]) -> list:
        if not options or not items:
            raise ValueError("choice needs options and at least one item")
        self.options = options
        self.radios: dict[str, widgets.RadioButtons] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self._feedback_text: dict[str, dict[str, str]] = {}
        parts = []
        for number, item in enumerate(items, start=1):
            key = str(item["key"])
            text = str(item["text"])
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
            self._feedback_text[key] = {str(k): str(v) for k, v in item["feedback"].items()}
            radios.observe(lambda _c, k=key: self._chosen(k), names="value")
            self.radios[key] = radios
            self.feedback[key] = feedback
            statement = widgets.HTML(
                f'<p class="peerkit-statement"><span class="peerkit-number">{number}.</span> '
                f"{escape(text)}</p>"
            )
            card = widgets.VBox([statement, radios, feedback])
            card.add_class("peerkit-choice-item")
            parts.append(card)
        return parts

    def _chosen(self, key: str) -> None:
        self._show_feedback(key)
        self.changed()
        if not self._restoring:
            self.save_now()

    def _show_feedback(self, key: str) -> None:
        choice = self.radios[key].value
        if choice is None:
            self.feedback[key].value = ""
            return
        text = self._feedback_text[key].get(choice, "")
        label = self.options.get(choice, "")
        self.feedback[key].value = (
            f'<div class="peerkit-feedback-text" role="status"><strong>You chose '
            f"{escape(label)}.</strong> {escape(text)}</div>"
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
