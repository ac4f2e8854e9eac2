"""The CHIME self-rating: rate the five processes now and then; see change on a wheel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from peerkit.errors import StoreError
from peerkit.exercises import form
from peerkit.exercises.base import Exercise
from peerkit.pictures.chime_wheel import CHIME, chime_table_html, chime_wheel_svg
from peerkit.store.answers import Answer
from peerkit.store.revision import Revision

TITLE = "My CHIME wheel"
ADD_READING = "add-reading"
NOT_RATED = ""
#: How many times a reading is added again to what other pages saved meanwhile.
MERGE_ATTEMPTS = 3
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
    to the ones this page loaded; and if another page saves between that reading
    and this save, to the ones it saved.
    """

    kind: ClassVar[str] = "chime-wheel"
    counted: ClassVar[bool] = False
    default_prompt: ClassVar[str] = TITLE

    autosave: ClassVar[bool] = False

    def build(self) -> list[form.Block]:
        self.readings: list[Reading] = []
        self._theirs: list[Reading] = []
        options = [(NOT_RATED, "Not rated")] + [(str(n), str(n)) for n in range(1, 11)]
        return [
            *(
                form.menu(key, f"{label} (1 low, 10 high)", options, css=f"peerkit-rate-{key}")
                for key, label in CHIME
            ),
            form.action(ADD_READING, "Save this reading", css="peerkit-save-reading"),
            form.panel("wheel", css="peerkit-wheel"),
        ]

    def to_form(self, value: Answer) -> dict[str, Any]:
        """The menus show the latest reading (or nothing yet)."""
        self.readings = readings_of(value)
        latest = self.readings[-1] if self.readings else {}
        return {key: latest.get(key, NOT_RATED) for key, _label in CHIME}

    def from_form(self, values: Mapping[str, Any]) -> Answer:
        return {"readings": [dict(r) for r in self.readings]}

    def perform(self, name: str, values: Mapping[str, Any]) -> None:
        if name != ADD_READING:
            super().perform(name, values)
        self.add_reading(values=values)

    def add_reading(
        self, when: datetime | None = None, *, values: Mapping[str, Any] | None = None
    ) -> bool:
        """Save the five ratings as a new dated reading; False unless all five are rated."""
        given = self.form_values if values is None else values
        scores = {key: str(given.get(key, NOT_RATED)) for key, _label in CHIME}
        if not all(scores.values()):
            message = "Rate all five processes to save a reading (your choices are still here)."
            self._show_status(message, error=True)
            self._action_reply = {"type": "refused", "message": message, "short": message}
            return False
        try:
            saved = self.slot.load()
        except StoreError:
            message = "Could not save just now. Your ratings are still here; please try again."
            self._show_status(message, error=True)
            self._action_reply = {"type": "refused", "message": message, "short": message}
            return False
        stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
        reading = {"date": stamp, **scores}
        self.readings = [*readings_of(saved.value if saved else None), reading]
        reply = self._save(scores, base=saved.id if saved else 0)
        for _attempt in range(MERGE_ATTEMPTS):
            if "elsewhere" not in reply:
                break
            # Another page saved between this one's reading and saving (its readings
            # are in the store's history either way): add this reading to those.
            self.readings = [*self._theirs, reading]
            reply = self._save(scores, base=reply["revision"])
        reply.pop("elsewhere", None)
        self._action_reply = reply
        return reply["type"] == "saved"

    def _other(self, revision: Revision) -> dict[str, Any]:
        self._theirs = readings_of(revision.value)
        return super()._other(revision)

    def panels(self, values: Mapping[str, Any]) -> dict[str, str]:
        if not self.readings:
            hint = '<p class="peerkit-hint">Your wheel appears here after your first reading.</p>'
            return {"wheel": hint}
        return {
            "wheel": f"{chime_wheel_svg(self.readings, uid=f'chime-{id(self)}')}"
            f"{chime_table_html(self.readings)}"
        }

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
