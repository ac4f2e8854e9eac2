"""Sky and mountains: two idea lists drawn as one picture."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises.base import Exercise, TextMaker, html
from peerkit.exercises.list_editor import ListEditor
from peerkit.exercises.ui import widgets
from peerkit.pictures.sky_and_mountains import sky_and_mountains_svg
from peerkit.store.answers import Answer

PLACES = ("sky", "mountains")


def ideas(value: Any, place: str) -> tuple[str, ...]:
    """The non-blank ideas stored for one place ("sky" or "mountains")."""
    items = value.get(place) if isinstance(value, dict) else None
    return tuple(
        i for i in (items if isinstance(items, list) else ()) if isinstance(i, str) and i.strip()
    )


class SkyAndMountains(Exercise):
    """Ideas on the sky (positive risks) and on the mountains (supporting behaviours)."""

    method: ClassVar[str] = "sky_and_mountains"
    kind: ClassVar[str] = "sky-and-mountains"
    default_prompt: ClassVar[str] = "Sky and mountains"

    def build(self, *, sky_prompt: str, mountains_prompt: str) -> list[widgets.Widget]:
        self.sky = ListEditor("Sky idea", self._list_changed, css_key="sky")
        self.mountains = ListEditor("Mountain idea", self._list_changed, css_key="mountains")
        self.picture = widgets.HTML()
        self.picture.add_class("peerkit-picture-box")
        self._draw()
        return [
            self.picture,
            widgets.HTML(html("<h3>{}</h3>", sky_prompt)),
            self.sky.view,
            widgets.HTML(html("<h3>{}</h3>", mountains_prompt)),
            self.mountains.view,
        ]

    def header(self) -> list[widgets.Widget]:
        return []

    def _draw(self) -> None:
        self.picture.value = sky_and_mountains_svg(
            self.sky.items, self.mountains.items, uid=f"sm-{self.exercise_id}"
        )

    def _list_changed(self, structural: bool) -> None:
        self._draw()
        if structural:
            self.changed_now()
        else:
            self.changed()

    def get_value(self) -> Answer:
        return {"sky": self.sky.items, "mountains": self.mountains.items}

    def set_value(self, value: Answer) -> None:
        if not isinstance(value, dict):
            return
        for place, editor in zip(PLACES, (self.sky, self.mountains), strict=True):
            items = value.get(place, [])
            editor.items = items if isinstance(items, list) else []
        self._draw()

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        return {
            "sky": str(options.get("sky_prompt") or "On the sky"),
            "mountains": str(options.get("mountains_prompt") or "On the mountains"),
        }

    @classmethod
    def extras(cls, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            return {}
        return {"sky": (ideas(value, "sky"), ideas(value, "mountains"))}

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        return {place: [text(f"{place}/{n}") for n in range(items)] for place in PLACES}
