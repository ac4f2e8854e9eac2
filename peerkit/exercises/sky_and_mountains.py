"""The sky and mountains exercise: two idea lists drawn as one picture."""

from __future__ import annotations

from typing import ClassVar

import ipywidgets as widgets

from peerkit.exercises.base import Exercise
from peerkit.exercises.list_builder import ListEditor
from peerkit.pictures.sky_and_mountains import sky_and_mountains_svg
from peerkit.store.answers import Answer


class SkyAndMountains(Exercise):
    """Ideas on the sky (positive risks) and on the mountains (supporting behaviours)."""

    kind: ClassVar[str] = "sky-and-mountains"

    def build(self, *, sky_prompt: str, mountains_prompt: str) -> list[widgets.Widget]:
        self.sky = ListEditor("Sky idea", self._list_changed, css_key="sky")
        self.mountains = ListEditor("Mountain idea", self._list_changed, css_key="mountains")
        self.picture = widgets.HTML()
        self.picture.add_class("peerkit-picture-box")
        self._draw()
        return [
            self.picture,
            widgets.HTML(f"<h3>{_esc(sky_prompt)}</h3>"),
            self.sky,
            widgets.HTML(f"<h3>{_esc(mountains_prompt)}</h3>"),
            self.mountains,
        ]

    def header(self) -> list[widgets.Widget]:
        return []

    def _draw(self) -> None:
        self.picture.value = sky_and_mountains_svg(
            self.sky.items, self.mountains.items, uid=f"sm-{self.exercise_id}"
        )

    def _list_changed(self, structural: bool) -> None:
        self._draw()
        self.changed()
        if structural and not self._restoring:
            self.save_now()

    def get_value(self) -> Answer:
        return {"sky": self.sky.items, "mountains": self.mountains.items}

    def set_value(self, value: Answer) -> None:
        if not isinstance(value, dict):
            return
        for key, editor in (("sky", self.sky), ("mountains", self.mountains)):
            items = value.get(key, [])
            editor.items = items if isinstance(items, list) else []
        self._draw()


def _esc(text: str) -> str:
    from html import escape

    return escape(text)
