"""The CHIME self-rating: rate the five processes now and then; see change on a wheel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from peerkit.errors import StoreError
from peerkit.exercises.base import Exercise
from peerkit.exercises.ui import widgets
from peerkit.pictures.chime_wheel import CHIME, chime_table_html, chime_wheel_svg
from peerkit.store.answers import Answer

#: Where every reading is kept, whichever page the wheel is shown on.
CHIME_SESSION, CHIME_EXERCISE = "m2s1", "chime-wheel"
TITLE = "My CHIME wheel"
NOT_RATED = ""
Reading = dict[str, str]


def readings_of(value: Any) -> list[Reading]:
    """The dated readings in a stored answer (anything malformed is left out)."""
    raw = value.get("readings") if isinstance(value, dict) else None
    return [
        {str(k): v if isinstance(v, str) else "" for k, v in r.items()}
        for r in (raw if isinstance(raw, list) else [])
        if isinstance(r, dict)
    ]


class ChimeWheel(Exercise):
    """Five ratings (1-10) saved together as one dated reading; all readings drawn.

    The wheel appears on more than one page (the course home, Module 2), so a new
    reading is added to the readings as they are in the store at that moment, not
    to the ones this page loaded.
    """

    kind: ClassVar[str] = "chime-wheel"
    counted: ClassVar[bool] = False
    default_prompt: ClassVar[str] = TITLE

    def build(self) -> list[widgets.Widget]:
        self.readings: list[Reading] = []
        options = [("Not rated", NOT_RATED)] + [(str(n), str(n)) for n in range(1, 11)]
        self.menus = {
            key: widgets.Dropdown(
                options=options,
                value=NOT_RATED,
                description=f"{label} (1 low, 10 high)",
                style={"description_width": "initial"},
            )
            for key, label in CHIME
        }
        for key, menu in self.menus.items():
            menu.add_class("peerkit-input")
            menu.add_class(f"peerkit-rate-{key}")
        self.save_button = widgets.Button(
            description="Save this reading", layout=widgets.Layout(width="auto")
        )
        self.save_button.add_class("peerkit-save-reading")
        self.save_button.on_click(lambda _b: self.add_reading())
        self.wheel = widgets.HTML()
        self.wheel.add_class("peerkit-wheel")
        self._draw()
        return [*self.menus.values(), self.save_button, self.wheel]

    def add_reading(self, when: datetime | None = None) -> bool:
        """Save the five ratings as a new dated reading; False unless all five are rated."""
        scores = {key: menu.value for key, menu in self.menus.items()}
        if not all(scores.values()):
            self._show_status(
                "Rate all five processes to save a reading (your choices are still here).",
                error=True,
            )
            return False
        try:
            saved = self.slot.load()
        except StoreError:
            self._show_status(
                "Could not save just now. Your ratings are still here; please try again.",
                error=True,
            )
            return False
        stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        self.readings = [*readings_of(saved.value if saved else None), {"date": stamp, **scores}]
        if self.save_now() is None:
            return False
        for menu in self.menus.values():
            menu.value = NOT_RATED
        self._draw()
        return True

    def _draw(self) -> None:
        if not self.readings:
            self.wheel.value = (
                '<p class="peerkit-hint">Your wheel appears here after your first reading.</p>'
            )
            return
        self.wheel.value = (
            f"{chime_wheel_svg(self.readings, uid=f'chime-{id(self)}')}"
            f"{chime_table_html(self.readings)}"
        )

    def get_value(self) -> Answer:
        return {"readings": [dict(r) for r in self.readings]}

    def set_value(self, value: Answer) -> None:
        self.readings = readings_of(value)
        self._draw()

    @classmethod
    def portfolio(cls, value: Any, options: Any) -> tuple[Any, ...]:
        rest = (
            {k: v for k, v in value.items() if k != "readings"} if isinstance(value, dict) else {}
        )
        return super().portfolio(rest, options) if rest else ()

    @classmethod
    def extras(cls, value: Any) -> dict[str, Any]:
        return {"readings": tuple(readings_of(value))}

    @classmethod
    def sample(cls, options: Any, text: Any, items: int = 3) -> Answer:
        reading = {key: str(n + 3) for n, (key, _label) in enumerate(CHIME)}
        return {"readings": [{"date": "2025-03-04T10:00:00+00:00", **reading}]}
