"""The Who Am I Map: four boxes around a central "I AM…"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.multi_box import MultiBox

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

    def build(self) -> list[form.Block]:  # type: ignore[override]
        return super().build(boxes=BOXES, rows=4)

    def arrange(self, boxes: dict[str, form.Block], columns: int) -> form.Block:
        placed = []
        for key in AREAS:
            block = dict(boxes[key], area=AREAS[key])
            if key == "i-am":
                block["class"] += " peerkit-centre"
            placed.append(block)
        return form.grid(placed, columns=2, areas='"a b" "c c" "d e"', css="peerkit-map")

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return dict(BOXES)
