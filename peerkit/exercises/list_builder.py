"""List builder: a list the learner builds (ideas, toolbox items)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker
from peerkit.store.answers import Answer

ITEMS = "items"


class ListBuilder(Exercise):
    """Items added, edited and removed one by one; the answer is the list of texts."""

    method: ClassVar[str] = "list_builder"
    kind: ClassVar[str] = "list-builder"

    def build(self, *, item_label: str = "Item", examples: Sequence[str] = ()) -> list[form.Block]:
        return [form.items(ITEMS, item_label, examples=examples)]

    def to_form(self, value: Answer) -> dict[str, Any]:
        return super().to_form({ITEMS: value if isinstance(value, list) else []})

    def from_form(self, values: Mapping[str, Any]) -> Answer:
        return list(values.get(ITEMS, []))

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return [text(str(n)) for n in range(items)]
