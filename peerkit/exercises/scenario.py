"""Scenario: read a situation, answer its questions, then reveal the course's discussion."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.course.markdown import paragraphs_html
from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker, str_map
from peerkit.store.answers import Answer

REVEALED_KEY = "revealed"
#: The discussion opens once the first question has an answer of at least this many words.
MIN_WORDS = 3


class Scenario(Exercise):
    """The discussion stays hidden until the learner has answered the first question
    in their own words (``MIN_WORDS`` or more), so one stray character does not open it.

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
    ) -> list[form.Block]:
        if not questions or REVEALED_KEY in questions:
            raise ValueError(f"scenario needs questions, none named {REVEALED_KEY!r}")
        return [
            form.course_html(f'<div class="peerkit-situation">{paragraphs_html(situation)}</div>'),
            *(form.text(key, label, rows=rows) for key, label in questions.items()),
            form.reveal(
                REVEALED_KEY,
                button="Show the course's discussion",
                heading="Discussion",
                body_html=paragraphs_html(discussion),
                needs=list(questions)[:1],
                min_words=MIN_WORDS,
                hint="Write your own response to the first question, at least, "
                "then the discussion opens.",
                error="Write your own response to the first question first (a few words "
                "at least); then the discussion opens.",
            ),
        ]

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("questions"))

    @classmethod
    def context(cls, options: Mapping[str, Any]) -> str:
        return str(options.get("situation") or "")

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return {**{key: text(key) for key in cls.labels(options)}, REVEALED_KEY: "yes"}
