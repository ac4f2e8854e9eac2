"""Essay planner: earlier reflections beside a plan and a draft with a live word count."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.errors import StoreError
from peerkit.exercises.base import Exercise, fill_boxes, html, str_map, text_box
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer, answer_lines

DRAFT_KEY = "draft"
DRAFT_LABEL = "My draft"
NOT_WRITTEN = "You have not written this one yet."
NOT_LOADED = "This reflection could not be loaded just now. Reload the page to try again."
WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


class EssayPlanner(Exercise):
    """The learner's own answers from earlier sessions, a plan, and a draft.

    ``sources``: dicts with ``session``, ``exercise`` and ``label``; ``sections``:
    key -> heading of each part of the plan.
    """

    method: ClassVar[str] = "essay_planner"
    kind: ClassVar[str] = "essay-planner"

    def build(
        self,
        *,
        sources: list[dict[str, Any]],
        sections: dict[str, str],
        word_target: int = 1500,
    ) -> list[widgets.Widget]:
        if DRAFT_KEY in sections:
            raise ValueError(f"essay_planner sections cannot be named {DRAFT_KEY!r}")
        self.sources = sources
        self.word_target = word_target
        self.earlier = widgets.HTML()
        self.earlier.add_class("peerkit-earlier")
        self.show_earlier()
        self.sections = {key: text_box(label, rows=4) for key, label in sections.items()}
        for key, box in self.sections.items():
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
        self.draft = text_box(DRAFT_LABEL, rows=16)
        self.draft.add_class("peerkit-box-draft")
        self.watch(self.draft)
        self.words = widgets.HTML()
        self.words.add_class("peerkit-word-count")
        self.draft.observe(lambda _c: self._count(), names="value")
        self._count()
        return [self.earlier, *self.sections.values(), self.draft, self.words]

    def show_earlier(self) -> None:
        """Reload the learner's earlier answers into the side panel."""
        slot = self.slot
        blocks = []
        for source in self.sources:
            try:
                saved = slot.store.latest(slot.learner, source["session"], source["exercise"])
            except StoreError:
                body = html('<p class="peerkit-status-error" role="alert">{}</p>', NOT_LOADED)
            else:
                lines = answer_lines(saved.value) if saved else []
                body = "".join(html("<p>{}</p>", line) for line in lines) or html(
                    '<p class="peerkit-empty">{}</p>', NOT_WRITTEN
                )
            blocks.append(
                html("<details><summary>{}</summary>", source["label"]) + body + "</details>"
            )
        self.earlier.value = (
            '<section class="peerkit-earlier-list" aria-label="Your earlier reflections">'
            f"<h4>Your earlier reflections</h4>{''.join(blocks)}</section>"
        )

    def _count(self) -> None:
        words = word_count(self.draft.value)
        self.words.value = (
            f'<p role="status" aria-live="polite">{words:,} words '
            f"(aim for about {self.word_target:,})</p>"
        )

    def get_value(self) -> Answer:
        value = {key: box.value for key, box in self.sections.items()}
        value[DRAFT_KEY] = self.draft.value
        return value

    def set_value(self, value: Answer) -> None:
        fill_boxes([*self.sections.items(), (DRAFT_KEY, self.draft)], value)
        self._count()

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return {**str_map(options.get("sections")), DRAFT_KEY: DRAFT_LABEL}
