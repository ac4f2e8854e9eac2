"""The Who Am I Map: four boxes around a central "I AM…"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.multi_box import MultiBox
from peerkit.exercises.ui import widgets

BOXES = {
    "skills": "What are your skills and strengths?",
    "enjoy": "What do you enjoy (hobbies, interests, passions)?",
    "who": "Who are you (for example your gender, age, a friend, a teacher)?",
    "others": "How would other people who care about you describe you?",
    "i-am": "I AM…",
}
#: Grid areas: two boxes above, "I AM…" across the middle, two below.
AREAS = {"skills": "a", "enjoy": "b", "i-am": "c", "who": "d", "others": "e"}


class WhoAmIMap(MultiBox):
    """The map's five boxes, laid out as the seed's picture."""

    method: ClassVar[str] = "who_am_i_map"
    kind: ClassVar[str] = "who-am-i-map"

    def build(self) -> list[widgets.Widget]:  # type: ignore[override]
        return super().build(boxes=BOXES, rows=4)

    def arrange(self, columns: int) -> widgets.Widget:
        for key, box in self.boxes.items():
            box.layout.grid_area = AREAS[key]
        self.boxes["i-am"].add_class("peerkit-centre")
        grid = widgets.GridBox(
            [self.boxes[key] for key in AREAS],
            layout=widgets.Layout(
                grid_template_columns="minmax(0, 1fr) minmax(0, 1fr)",
                grid_template_areas='"a b" "c c" "d e"',
                grid_gap="0.75rem",
            ),
        )
        grid.add_class("peerkit-grid")
        grid.add_class("peerkit-map")
        return grid

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return dict(BOXES)
