"""List exercises: add, edit and remove items by keyboard or mouse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import ClassVar

import ipywidgets as widgets

from peerkit.exercises.base import Exercise
from peerkit.store.answers import Answer

MAX_ITEMS = 100


class ListEditor(widgets.VBox):
    """An editable list of short texts. Calls ``on_change`` after every edit.

    ``on_change(structural)`` gets True when an item was added or removed (worth
    saving at once) and False for typing inside an item.
    """

    def __init__(
        self,
        item_label: str,
        on_change: Callable[[bool], None],
        *,
        examples: Sequence[str] = (),
        css_key: str = "items",
    ) -> None:
        self.item_label = item_label
        self._on_change = on_change
        self.rows_box = widgets.VBox()
        self.rows_box.add_class("peerkit-list-items")
        self.new_item = widgets.Text(
            description=f"New {item_label.lower()}",
            placeholder="Type, then press Enter or Add",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(flex="1 1 auto"),
        )
        self.new_item.add_class("peerkit-input")
        self.new_item.add_class("peerkit-new-item")
        self.new_item.observe(lambda _c: self.add_item(), names="value")
        self.add_button = widgets.Button(description="Add", tooltip=f"Add {item_label.lower()}")
        self.add_button.add_class("peerkit-add")
        self.add_button.on_click(lambda _b: self.add_item())
        self.message = widgets.HTML()
        adder = widgets.HBox([self.new_item, self.add_button])
        adder.add_class("peerkit-list-adder")
        children: list[widgets.Widget] = [self.rows_box, adder, self.message]
        if examples:
            hint = ", ".join(escape(e) for e in examples)
            children.insert(0, widgets.HTML(f'<p class="peerkit-hint">For example: {hint}</p>'))
        super().__init__(children=children)
        self.add_class("peerkit-list")
        self.add_class(f"peerkit-list-{css_key}")
        self.item_boxes: list[widgets.Text] = []

    @property
    def items(self) -> list[str]:
        return [box.value for box in self.item_boxes]

    @items.setter
    def items(self, values: Sequence[str]) -> None:
        self._render([v for v in values if isinstance(v, str)][:MAX_ITEMS])

    def add_item(self, text: str | None = None) -> bool:
        """Add the typed item (or ``text``); returns False when nothing was added."""
        text = self.new_item.value if text is None else text
        if not text.strip():
            return False
        if len(self.item_boxes) >= MAX_ITEMS:
            self.message.value = (
                f'<p role="alert">This list holds up to {MAX_ITEMS} items. '
                "Remove one to add another.</p>"
            )
            return False
        self.message.value = ""
        self._render([*self.items, text.strip()])
        self.new_item.value = ""
        self._on_change(True)
        return True

    def remove_item(self, index: int) -> None:
        items = self.items
        del items[index]
        self._render(items)
        self._on_change(True)

    def _render(self, values: Sequence[str]) -> None:
        self.item_boxes = []
        rows = []
        for index, value in enumerate(values):
            number = index + 1
            box = widgets.Text(
                value=value,
                description=f"{self.item_label} {number}",
                continuous_update=True,
                style={"description_width": "initial"},
                layout=widgets.Layout(flex="1 1 auto"),
            )
            box.add_class("peerkit-input")
            box.add_class("peerkit-item")
            box.observe(lambda _c: self._on_change(False), names="value")
            remove = widgets.Button(
                description="Remove", tooltip=f"Remove {self.item_label.lower()} {number}"
            )
            remove.add_class("peerkit-remove")
            remove.on_click(lambda _b, i=index: self.remove_item(i))
            self.item_boxes.append(box)
            rows.append(widgets.HBox([box, remove]))
        self.rows_box.children = rows


class ListBuilder(Exercise):
    """A list the learner builds: ideas, toolbox items."""

    kind: ClassVar[str] = "list-builder"

    def build(self, *, item_label: str = "Item", examples: Sequence[str] = ()) -> list:
        self.editor = ListEditor(item_label, self._list_changed, examples=examples)
        return [self.editor]

    def _list_changed(self, structural: bool) -> None:
        self.changed()
        if structural and not self._restoring:
            self.save_now()

    def get_value(self) -> Answer:
        return self.editor.items

    def set_value(self, value: Answer) -> None:
        self.editor.items = value if isinstance(value, list) else []
