"""The exercise base class: restore on load, autosave on pause, calm status line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape, unescape
from typing import Any, ClassVar

import ipywidgets as widgets

from peerkit.errors import AnswerRejected, StoreError
from peerkit.exercises.autosave import AUTOSAVE_DELAY, Debouncer
from peerkit.store.answer_store import AnswerStore, Revision
from peerkit.store.answers import Answer

#: How long to wait before retrying after the store failed.
RETRY_DELAY = 5.0


@dataclass(frozen=True)
class AnswerSlot:
    """Where one exercise's answer lives: a learner, a session and an exercise id."""

    store: AnswerStore
    learner: str
    session: str
    exercise: str

    def load(self) -> Revision | None:
        return self.store.latest(self.learner, self.session, self.exercise)

    def save(self, value: Answer) -> Revision:
        return self.store.save(self.learner, self.session, self.exercise, value)


def saved_label(when: datetime) -> str:
    """'Saved 10:42' today, 'Saved 21 Nov, 10:42' on another day (local time)."""
    local = when.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return f"Saved {local:%H:%M}"
    return f"Saved {local.day} {local:%b}, {local:%H:%M}"


def text_box(label: str, *, rows: int = 5, placeholder: str = "") -> widgets.Textarea:
    """A multi-line box whose label is its accessible name, shown above it."""
    box = widgets.Textarea(
        description=label,
        placeholder=placeholder,
        rows=rows,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="100%"),
    )
    box.add_class("peerkit-input")
    return box


def fill_boxes(boxes: Iterable[tuple[str, widgets.Widget]], value: Answer) -> None:
    """Put each key's saved text into its box; anything missing or malformed is blank."""
    if not isinstance(value, dict):
        return
    for key, box in boxes:
        text = value.get(key, "")
        box.value = text if isinstance(text, str) else ""


class Exercise(widgets.VBox):
    """Base for every exercise type.

    Subclasses build their inputs in ``build()``, and convert between the inputs
    and a stored answer in ``get_value()`` / ``set_value()``. They call
    ``watch()`` on each input so edits are autosaved.
    """

    kind: ClassVar[str] = "exercise"
    #: Counted in progress and marked ``peerkit-exercise``; tools (the CHIME wheel) are not.
    counted: ClassVar[bool] = True

    def __init__(
        self,
        slot: AnswerSlot,
        prompt: str,
        *,
        autosave_delay: float | None = AUTOSAVE_DELAY,
        carry_from: tuple[str, str] | None = None,
        **options: Any,
    ) -> None:
        self.slot = slot
        self.carry_from = carry_from
        self.prompt = prompt
        self.last_saved: Revision | None = None
        self._restoring = False
        self._debouncer = Debouncer(self.save_now, autosave_delay)
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.status.add_class("peerkit-status")
        body = self.build(**options)
        super().__init__(children=[*self.header(), *body, self.status])
        self.add_class("peerkit-exercise" if self.counted else "peerkit-tool")
        self.add_class(f"peerkit-{self.kind}")
        #: Called with each new revision (the session's progress bar listens).
        self.on_saved: list[Callable[[Revision], None]] = []
        self.restore()

    # --- for subclasses -------------------------------------------------
    def build(self, **options: Any) -> list[widgets.Widget]:
        raise NotImplementedError

    def header(self) -> list[widgets.Widget]:
        """Widgets shown above the inputs; by default the prompt as a paragraph."""
        prompt = widgets.HTML(f'<p class="peerkit-prompt">{escape(self.prompt)}</p>')
        return [prompt]

    def get_value(self) -> Answer:
        raise NotImplementedError

    def set_value(self, value: Answer) -> None:
        raise NotImplementedError

    def watch(self, widget: widgets.Widget, name: str = "value") -> None:
        widget.observe(self._on_edit, names=name)

    # --- saving ---------------------------------------------------------
    @property
    def exercise_id(self) -> str:
        return self.slot.exercise

    def restore(self) -> None:
        """Load the learner's saved answer into the inputs."""
        try:
            saved = self.slot.load()
        except StoreError:
            self._show_status("Your earlier answer could not be loaded just now.", error=True)
            return
        if saved is None:
            self._carry_over()
            return
        self._restoring = True
        try:
            self.set_value(saved.value)
        finally:
            self._restoring = False
        self.last_saved = saved
        self._show_status(saved_label(saved.saved_at))

    def _carry_over(self) -> None:
        """Offer the learner's answer to the same reflection in another session."""
        if self.carry_from is None:
            return
        session, exercise = self.carry_from
        try:
            earlier = self.slot.store.latest(self.slot.learner, session, exercise)
        except StoreError:
            return
        if earlier is None:
            return
        self._restoring = True
        try:
            self.set_value(earlier.value)
        finally:
            self._restoring = False
        self._show_status(
            "This is what you wrote in an earlier session. Keep it as it is, or update it."
        )

    def changed(self) -> None:
        """Note an edit: show 'Saving…' and save once the learner pauses."""
        if self._restoring:
            return
        self._show_status("Saving…")
        self._debouncer.schedule()

    def save_now(self) -> Revision | None:
        """Save the current inputs at once (the programmatic twin of autosave)."""
        self._debouncer.cancel()
        try:
            revision = self.slot.save(self.get_value())
        except AnswerRejected as exc:
            self._show_status(str(exc), error=True)
            return None
        except StoreError:
            self._show_status(
                "Could not save just now. Your text is still here; peerkit will try again.",
                error=True,
            )
            self._debouncer.schedule(after=RETRY_DELAY)
            return None
        self.last_saved = revision
        self._show_status(saved_label(revision.saved_at))
        for callback in self.on_saved:
            callback(revision)
        return revision

    @property
    def save_pending(self) -> bool:
        return self._debouncer.pending

    def _on_edit(self, _change: dict[str, Any]) -> None:
        self.changed()

    def _show_status(self, text: str, *, error: bool = False) -> None:
        role = "alert" if error else "status"
        css = "peerkit-status-error" if error else "peerkit-status-ok"
        self.status.value = f'<span class="{css}" role="{role}">{escape(text)}</span>'

    @property
    def status_text(self) -> str:
        """The status line as plain text (for tests and the CLI)."""
        return unescape(re.sub(r"<[^>]+>", "", self.status.value))
