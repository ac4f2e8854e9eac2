"""Text exercises: a single reflection, a set of labelled boxes, and value reflections."""

from __future__ import annotations

from html import escape
from typing import Any, ClassVar

import ipywidgets as widgets

from peerkit.exercises.base import Exercise, fill_boxes, text_box
from peerkit.store.answers import Answer


class Reflection(Exercise):
    """One free-text reflection; the prompt is the box's label."""

    kind: ClassVar[str] = "reflection"

    def build(self, *, rows: int = 6, placeholder: str = "") -> list[widgets.Widget]:
        self.box = text_box(self.prompt, rows=rows, placeholder=placeholder)
        self.watch(self.box)
        return [self.box]

    def header(self) -> list[widgets.Widget]:
        return []

    def get_value(self) -> Answer:
        return self.box.value

    def set_value(self, value: Answer) -> None:
        self.box.value = value if isinstance(value, str) else ""


class MultiBox(Exercise):
    """Several labelled boxes answered together; the answer maps each key to its text."""

    kind: ClassVar[str] = "multi-box"

    def build(
        self, *, boxes: dict[str, str], columns: int = 2, rows: int = 4
    ) -> list[widgets.Widget]:
        if not boxes:
            raise ValueError("multi_box needs at least one box")
        self.boxes = {key: text_box(label, rows=rows) for key, label in boxes.items()}
        for key, box in self.boxes.items():
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
        return [self.arrange(columns)]

    def arrange(self, columns: int) -> widgets.Widget:
        grid = widgets.GridBox(
            list(self.boxes.values()),
            layout=widgets.Layout(
                grid_template_columns=f"repeat({columns}, minmax(0, 1fr))", grid_gap="0.75rem"
            ),
        )
        grid.add_class("peerkit-grid")
        return grid

    def get_value(self) -> Answer:
        return {key: box.value for key, box in self.boxes.items()}

    def set_value(self, value: Answer) -> None:
        fill_boxes(self.boxes.items(), value)


WHO_AM_I_BOXES = {
    "skills": "What are your skills and strengths?",
    "enjoy": "What do you enjoy (hobbies, interests, passions)?",
    "who": "Who are you (for example your gender, age, a friend, a teacher)?",
    "others": "How would other people who care about you describe you?",
    "i-am": "I AM…",
}


class WhoAmIMap(MultiBox):
    """The Who Am I Map: four boxes around a central 'I AM…'."""

    kind: ClassVar[str] = "who-am-i-map"

    def build(self, **_: Any) -> list[widgets.Widget]:
        return super().build(boxes=WHO_AM_I_BOXES, rows=4)

    def arrange(self, columns: int) -> widgets.Widget:
        areas = {"skills": "a", "enjoy": "b", "i-am": "c", "who": "d", "others": "e"}
        for key, box in self.boxes.items():
            box.layout.grid_area = areas[key]
        self.boxes["i-am"].add_class("peerkit-centre")
        grid = widgets.GridBox(
            [self.boxes[key] for key in ("skills", "enjoy", "i-am", "who", "others")],
            layout=widgets.Layout(
                grid_template_columns="minmax(0, 1fr) minmax(0, 1fr)",
                grid_template_areas='"a b" "c c" "d e"',
                grid_gap="0.75rem",
            ),
        )
        grid.add_class("peerkit-grid")
        grid.add_class("peerkit-map")
        return grid


class Paired(MultiBox):
    """Two boxes side by side, by default 'what do I need to learn / to let go'."""

    kind: ClassVar[str] = "paired"

    def build(
        self,
        *,
        left: str = "What do I need to learn?",
        right: str = "What do I need to let go?",
        rows: int = 5,
    ) -> list[widgets.Widget]:
        return super().build(boxes={"learn": left, "let-go": right}, columns=2, rows=rows)


class ValueSet(Exercise):
    """One reflection per value; each value shows its beliefs, then the shared prompt."""

    kind: ClassVar[str] = "value-set"

    def build(self, *, values: list[dict[str, Any]], rows: int = 5) -> list[widgets.Widget]:
        if not values:
            raise ValueError("value_set needs at least one value")
        self.boxes: dict[str, widgets.Textarea] = {}
        parts: list[widgets.Widget] = []
        for value in values:
            name = str(value["name"])
            key = name.lower().replace(" ", "-")
            beliefs = "".join(f"<li>{escape(str(b))}</li>" for b in value.get("beliefs", ()))
            intro = escape(str(value.get("intro", "")))
            card = widgets.HTML(
                f'<h3 class="peerkit-value-name">{escape(name)}</h3>'
                f"<p>{intro}</p><ul>{beliefs}</ul>"
            )
            box = text_box(f"{name}: {self.prompt}", rows=rows)
            box.add_class(f"peerkit-box-{key}")
            self.watch(box)
            self.boxes[key] = box
            section = widgets.VBox([card, box])
            section.add_class("peerkit-value")
            parts.append(section)
        return parts

    def header(self) -> list[widgets.Widget]:
        return []

    get_value = MultiBox.get_value
    set_value = MultiBox.set_value


class ShortText(Exercise):
    """A single line, such as the learner's display name; not a course exercise."""

    kind: ClassVar[str] = "short-text"
    counted: ClassVar[bool] = False

    def build(self, *, placeholder: str = "") -> list[widgets.Widget]:
        self.box = widgets.Text(
            description=self.prompt,
            placeholder=placeholder,
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%"),
        )
        self.box.add_class("peerkit-input")
        self.watch(self.box)
        return [self.box]

    def header(self) -> list[widgets.Widget]:
        return []

    get_value = Reflection.get_value
    set_value = Reflection.set_value
