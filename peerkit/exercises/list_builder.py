"""List builder: a list the learner builds (ideas, toolbox items)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, TextMaker
from peerkit.exercises.list_editor import ListEditor
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer


class ListBuilder(Exercise):
    """Items added, edited and removed one by one; the answer is the list of texts."""

    method: ClassVar[str] = "list_builder"
    kind: ClassVar[str] = "list-builder"

    def build(
        self, *, item_label: str = "Item", examples: Sequence[str] = ()
    ) -> list[widgets.Widget]:
        self.editor = ListEditor(item_label, self._list_changed, examples=examples)
        return [self.editor.view]

    def _list_changed(self, structural: bool) -> None:
        if structural:
            self.changed_now()
        else:
            self.changed()

    def get_value(self) -> Answer:
        return self.editor.items

    def set_value(self, value: Answer) -> None:
        self.editor.items = value if isinstance(value, list) else []

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return [text(str(n)) for n in range(items)]
