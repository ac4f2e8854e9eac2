"""Rewrite: the learner rewrites given statements (closed to open, drama to winner's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import BoxesExercise, html, str_map

EXAMPLE = '<p class="peerkit-feedback-text"><strong>One possible rewrite:</strong> {}</p>'


class Rewrite(BoxesExercise):
    """Each original statement is shown, with a box for the learner's rewrite.

    ``examples`` (optional, key -> text) offers one possible rewrite, shown only
    after the learner has written their own.
    """

    method: ClassVar[str] = "rewrite"
    kind: ClassVar[str] = "rewrite"

    def build(
        self,
        *,
        statements: dict[str, str],
        examples: dict[str, str] | None = None,
        box_label: str = "Your rewrite",
    ) -> list[form.Block]:
        if not statements:
            raise ValueError("rewrite needs at least one statement")
        examples = examples or {}
        parts = []
        for number, (key, original) in enumerate(statements.items(), start=1):
            quote = html(
                '<blockquote class="peerkit-original"><span class="peerkit-number">{}.</span>'
                " {}</blockquote>",
                number,
                original,
            )
            example = examples.get(key)
            after = html(EXAMPLE, example) if example else ""
            box = form.text(key, f"{box_label} of statement {number}", rows=3, after_writing=after)
            parts.append(form.group([form.course_html(quote), box], css="peerkit-rewrite-item"))
        return parts

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return str_map(options.get("statements"))
