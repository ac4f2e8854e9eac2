"""Sky and mountains: two idea lists drawn as one picture."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from peerkit.exercises import form
from peerkit.exercises.base import Exercise, TextMaker, html
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
    redraw_on_save: ClassVar[bool] = True

    def build(self, *, sky_prompt: str, mountains_prompt: str) -> list[form.Block]:
        return [
            form.panel("picture", css="peerkit-picture-box"),
            form.course_html(html("<h3>{}</h3>", sky_prompt)),
            form.items("sky", "Sky idea", css="sky"),
            form.course_html(html("<h3>{}</h3>", mountains_prompt)),
            form.items("mountains", "Mountain idea", css="mountains"),
        ]

    def header(self) -> list[form.Block]:
        return []

    def panels(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {
            "picture": sky_and_mountains_svg(
                list(values.get("sky", [])),
                list(values.get("mountains", [])),
                uid=f"sm-{self.exercise_id}",
            )
        }

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
