"""An editable list of short texts, by keyboard or mouse (used by lists and sky and mountains)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from peerkit.exercises.base import html
from peerkit.exercises.ui import widgets

MAX_ITEMS = 100


def close_tree(widget: widgets.Widget) -> None:
    """Close a widget, its children, and the layout and style models each one owns."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for owned in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if owned is not None:
            owned.close()
    widget.close()


class ListEditor:
    """Rows of text boxes with Remove buttons, and a box to add one more.

    ``on_change(structural)`` is called after every edit: True when an item was
    added or removed (worth saving at once), False for typing inside an item.
    Rows are added and removed one at a time, and a removed row's widgets are
    closed, so a long session does not pile up widget models in the browser.
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
            hint = html('<p class="peerkit-hint">For example: {}</p>', ", ".join(examples))
            children.insert(0, widgets.HTML(hint))
        self.view = widgets.VBox(children=children)
        self.view.add_class("peerkit-list")
        self.view.add_class(f"peerkit-list-{css_key}")
        self.item_boxes: list[widgets.Text] = []

    @property
    def items(self) -> list[str]:
        return [box.value for box in self.item_boxes]

    @items.setter
    def items(self, values: Sequence[str]) -> None:
        wanted = [v for v in values if isinstance(v, str)][:MAX_ITEMS]
        while len(self.item_boxes) > len(wanted):
            self._drop_row(len(self.item_boxes) - 1)
        for box, value in zip(self.item_boxes, wanted, strict=False):
            box.value = value
        for value in wanted[len(self.item_boxes) :]:
            self._append_row(value)

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
        self._append_row(text.strip())
        self.new_item.value = ""
        self._on_change(True)
        return True

    def remove_item(self, index: int) -> None:
        self._drop_row(index)
        self._on_change(True)

    def _append_row(self, value: str) -> None:
        box = widgets.Text(
            value=value,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(flex="1 1 auto"),
        )
        box.add_class("peerkit-input")
        box.add_class("peerkit-item")
        box.observe(lambda _c: self._on_change(False), names="value")
        remove = widgets.Button(description="Remove")
        remove.add_class("peerkit-remove")
        remove.on_click(lambda _b: self.remove_item(self.item_boxes.index(box)))
        self.item_boxes.append(box)
        self.rows_box.children = (*self.rows_box.children, widgets.HBox([box, remove]))
        self._number()

    def _drop_row(self, index: int) -> None:
        rows = list(self.rows_box.children)
        row = rows.pop(index)
        del self.item_boxes[index]
        self.rows_box.children = tuple(rows)
        close_tree(row)
        self._number()

    def _number(self) -> None:
        """Label every row by its place: 'Item 1', 'Remove item 1'."""
        label = self.item_label
        for number, row in enumerate(self.rows_box.children, start=1):
            box, remove = row.children
            box.description = f"{label} {number}"
            remove.tooltip = f"Remove {label.lower()} {number}"
