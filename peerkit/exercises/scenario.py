"""Scenario: read a situation, answer its questions, then reveal the course's discussion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.course.markdown import paragraphs_html
from peerkit.exercises.base import Exercise, TextMaker, fill_boxes, str_map, text_box
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer

REVEALED_KEY = "revealed"


class Scenario(Exercise):
    """The discussion stays hidden until the learner has written a response of their own.

    ``situation`` and ``discussion`` are course text (Markdown); ``questions``:
    key -> question.
    """

    method: ClassVar[str] = "scenario"
    kind: ClassVar[str] = "scenario"
    hidden_keys: ClassVar[frozenset[str]] = frozenset({REVEALED_KEY})

    def build(
        self,
        *,
        situation: str,
        questions: dict[str, str],
        discussion: str,
        rows: int = 4,
    ) -> list[widgets.Widget]:
        if not questions or REVEALED_KEY in questions:
            raise ValueError(f"scenario needs questions, none named {REVEALED_KEY!r}")
        self.story = widgets.HTML(
            f'<div class="peerkit-situation">{paragraphs_html(situation)}</div>'
        )
        self.boxes = {key: text_box(label, rows=rows) for key, label in questions.items()}
        for key, box in self.boxes.items():
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
            box.observe(lambda _c: self._update_button(), names="value")
        self.reveal_button = widgets.Button(
            description="Show the course's discussion", layout=widgets.Layout(width="auto")
        )
        self.reveal_button.add_class("peerkit-reveal")
        self.reveal_button.on_click(lambda _b: self.reveal())
        self.hint = widgets.HTML(
            '<p class="peerkit-hint">Write your own response to at least one question first; '
            "then the discussion opens.</p>"
        )
        self.discussion = widgets.HTML()
        self.discussion.add_class("peerkit-discussion")
        self._discussion_html = (
            '<div class="peerkit-discussion-text" role="region" aria-label="Discussion">'
            f"<h4>Discussion</h4>{paragraphs_html(discussion)}</div>"
        )
        self.revealed = False
        self._update_button()
        return [self.story, *self.boxes.values(), self.hint, self.reveal_button, self.discussion]

    def _has_response(self) -> bool:
        return any(box.value.strip() for box in self.boxes.values())

    def _update_button(self) -> None:
        self.reveal_button.disabled = self.revealed or not self._has_response()
        self.hint.layout.display = "none" if self._has_response() or self.revealed else None

    def reveal(self) -> bool:
        """Show the discussion; refused (False) until the learner has written something."""
        if not self._has_response() and not self.revealed:
            return False
        self.revealed = True
        self.discussion.value = self._discussion_html
        self._update_button()
        self.changed_now()
        return True

    def get_value(self) -> Answer:
        value = {key: box.value for key, box in self.boxes.items()}
        value[REVEALED_KEY] = "yes" if self.revealed else ""
        return value

    def set_value(self, value: Answer) -> None:
        if not isinstance(value, dict):
            return
        fill_boxes(self.boxes.items(), value)
        if value.get(REVEALED_KEY) == "yes":
            self.reveal()
        self._update_button()

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("questions"))

    @classmethod
    def context(cls, options: Mapping[str, Any]) -> str:
        return str(options.get("situation") or "")

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return {**{key: text(key) for key in cls.labels(options)}, REVEALED_KEY: "yes"}
