"""Essay planner: earlier reflections beside a plan and a draft with a live word count."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.errors import StoreError
from peerkit.exercises import form
from peerkit.exercises.base import Exercise, html, str_map
from peerkit.store.answers import answer_lines

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
        word_target: int = 0,
    ) -> list[form.Block]:
        if DRAFT_KEY in sections:
            raise ValueError(f"essay_planner sections cannot be named {DRAFT_KEY!r}")
        self.sources = sources
        return [
            form.panel("earlier", css="peerkit-earlier"),
            *(form.text(key, label, rows=4) for key, label in sections.items()),
            form.text(DRAFT_KEY, DRAFT_LABEL, rows=16),
            form.word_count(DRAFT_KEY, target=word_target),
        ]

    def panels(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The learner's earlier answers, read again from the store."""
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
        section = '<section class="peerkit-earlier-list" aria-label="Your earlier reflections">'
        return {"earlier": f"{section}<h3>Your earlier reflections</h3>{''.join(blocks)}</section>"}

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return {**str_map(options.get("sections")), DRAFT_KEY: DRAFT_LABEL}
