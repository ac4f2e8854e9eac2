"""Value set: one reflection per value; each value shows its beliefs, then the shared prompt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import BoxesExercise, html


def value_key(name: str) -> str:
    """'Hope and optimism' -> 'hope-and-optimism': where a value's answer is kept."""
    return name.lower().replace(" ", "-")


class ValueSet(BoxesExercise):
    """``values``: dicts with ``name``, ``intro`` and ``beliefs`` (often course data,
    ``values=session.content("hear-me-values")``)."""

    method: ClassVar[str] = "value_set"
    kind: ClassVar[str] = "value-set"

    def build(self, *, values: list[dict[str, Any]], rows: int = 5) -> list[form.Block]:
        if not values:
            raise ValueError("value_set needs at least one value")
        parts = []
        for value in values:
            name = str(value["name"])
            key = value_key(name)
            card = (
                html(
                    '<h3 class="peerkit-value-name">{}</h3><p>{}</p>', name, value.get("intro", "")
                )
                + "<ul>"
                + "".join(html("<li>{}</li>", b) for b in value.get("beliefs", ()))
                + "</ul>"
            )
            parts.append(
                form.group(
                    [form.course_html(card), form.text(key, f"{name}: {self.prompt}", rows=rows)],
                    css="peerkit-value",
                )
            )
        return parts

    def header(self) -> list[form.Block]:
        return []

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        values = options.get("values")
        names = [
            str(v["name"])
            for v in (values if isinstance(values, list) else ())
            if isinstance(v, dict) and "name" in v
        ]
        return {value_key(name): name for name in names}
