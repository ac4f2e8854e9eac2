"""What every exercise type has: a declaration, and a live exercise that autosaves.

An exercise type is one subclass of ``Exercise`` in its own module. The class
declares everything about the type:

- ``method``: the ``Session`` method authors call (``session.reflection(...)``);
- ``build()``'s keyword parameters: the type's options and their defaults;
- ``labels()``, ``shown()``, ``context()`` and ``portfolio()``: how a stored answer
  reads in the portfolio, from the options alone (no widget, no ipywidgets);
- ``sample()``: a sample answer, for tests and benchmarks.

An instance is one learner's exercise on a page: ``view`` is its widget, and the
answer is restored when it is made and saved a moment after each edit.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup

from peerkit.errors import AnswerRejected, StoreError
from peerkit.exercises.autosave import AUTOSAVE_DELAY, Debouncer
from peerkit.exercises.ui import widgets
from peerkit.store.answers import Answer, answer_lines

if TYPE_CHECKING:
    from peerkit.store.answer_store import AnswerStore, Revision

#: How long to wait before retrying after the store failed.
RETRY_DELAY = 5.0
#: Makes the text for one place in a sample answer, from a name unique to that place.
TextMaker = Callable[[str], str]


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


@dataclass(frozen=True)
class Part:
    """One labelled piece of an answer as it reads in the portfolio: text or list items."""

    label: str
    text: str = ""
    items: tuple[str, ...] = ()


def humanise(key: str) -> str:
    """'let-go' -> 'Let go'."""
    words = key.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def str_map(value: Any) -> dict[str, str]:
    """A mapping option as text keys and labels (anything else: empty)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def html(template: str, *args: Any, **kwargs: Any) -> str:
    """``template`` with every argument HTML-escaped (markupsafe does the escaping)."""
    return str(Markup(template).format(*args, **kwargs))


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


def fill_menus(menus: Mapping[str, widgets.Dropdown], value: Answer, blank: str) -> None:
    """Set each key's menu to its saved choice if the menu offers it, else to ``blank``."""
    saved = value if isinstance(value, dict) else {}
    for key, menu in menus.items():
        choice = saved.get(key, blank)
        menu.value = choice if choice in [v for _label, v in menu.options] else blank


class Exercise:
    """Base of every exercise type: the declaration (class) and a live exercise (instance).

    Subclasses build their inputs in ``build()`` and convert between inputs and a
    stored answer in ``get_value()`` / ``set_value()``; ``watch()`` on an input
    autosaves its edits.
    """

    #: The Session method that adds this exercise; "" for tools authors do not call.
    method: ClassVar[str] = ""
    #: Marks the widget ``peerkit-<kind>``.
    kind: ClassVar[str] = "exercise"
    #: Counted in progress and marked ``peerkit-exercise``; tools (the CHIME wheel) are not.
    counted: ClassVar[bool] = True
    #: The title when the call gives no prompt (``sky_and_mountains``).
    default_prompt: ClassVar[str] = ""
    #: Answer keys that record page state rather than the learner's words.
    hidden_keys: ClassVar[frozenset[str]] = frozenset()

    # --- the declaration: options, portfolio reading, sample ----------------
    # The class methods below take the options as ``resolve()`` returns them.
    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        """The type's options with their defaults, read from ``build()``'s signature."""
        params = inspect.signature(cls.build).parameters.values()
        return {
            p.name: (None if p.default is inspect.Parameter.empty else p.default)
            for p in params
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }

    @classmethod
    def resolve(cls, options: Mapping[str, Any]) -> dict[str, Any]:
        """Given options over the defaults."""
        return {**cls.option_defaults(), **options}

    @classmethod
    def labels(cls, options: Mapping[str, Any]) -> dict[str, str]:
        """What each key of a stored answer is called (keys in the widget's order)."""
        return {}

    @classmethod
    def shown(cls, options: Mapping[str, Any], value: str) -> str:
        """A stored text as the learner would read it (a choice's option, a score)."""
        return value

    @classmethod
    def context(cls, options: Mapping[str, Any]) -> str:
        """Course text shown with the answer in the portfolio (a scenario's situation)."""
        return ""

    @classmethod
    def portfolio(cls, value: Any, options: Mapping[str, Any]) -> tuple[Part, ...]:
        """The answer as labelled parts, in the widget's order, then any other keys."""
        if value is None:
            return ()
        if isinstance(value, str):
            return (Part("", value),) if value.strip() else ()
        if isinstance(value, list):
            items = tuple(answer_lines(value))
            return (Part("", items=items),) if items else ()
        if not isinstance(value, dict):
            return ()
        labels = cls.labels(options)
        keys = [k for k in labels if k in value]
        keys += [k for k in value if k not in labels and k not in cls.hidden_keys]
        parts = []
        for key in keys:
            label = labels.get(key) or humanise(key)
            item = value[key]
            shown = cls.shown(options, item) if isinstance(item, str) and item else item
            if isinstance(shown, str):
                if shown.strip():
                    parts.append(Part(label, shown))
            elif items := tuple(answer_lines(shown)):
                parts.append(Part(label, items=items))
        return tuple(parts)

    @classmethod
    def extras(cls, value: Any) -> dict[str, Any]:
        """More of the portfolio entry than its parts (a picture's data), by field name."""
        return {}

    @classmethod
    def sample(cls, options: Mapping[str, Any], text: TextMaker, items: int = 3) -> Answer:
        """A full answer, each text made by ``text`` from a name unique to its place."""
        return {key: text(key) for key in cls.labels(options)}

    # --- a live exercise ------------------------------------------------------
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
        # At kernel exit the last save must end before jupyter_client kills the kernel
        # (about 2.5 s), not wait SQLite's usual 10 s for another page's lock.
        self._debouncer = Debouncer(
            self.save_now, autosave_delay, before_exit=slot.store.wait_briefly
        )
        #: Called with each new revision (the session's progress bar listens).
        self.on_saved: list[Callable[[Revision], None]] = []
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.status.add_class("peerkit-status")
        body = self.build(**options)
        self.view = widgets.VBox(children=[*self.header(), *body, self.status])
        self.view.add_class("peerkit-exercise" if self.counted else "peerkit-tool")
        self.view.add_class(f"peerkit-{self.kind}")
        self.restore()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Shown as its widget when it is a cell's result."""
        return self.view._repr_mimebundle_(**kwargs)

    # --- for subclasses -------------------------------------------------
    def build(self, *args: Any, **options: Any) -> list[widgets.Widget]:
        """The inputs below the prompt; its keyword parameters are the type's options."""
        raise NotImplementedError

    def header(self) -> list[widgets.Widget]:
        """Widgets shown above the inputs; by default the prompt as a paragraph."""
        return [widgets.HTML(html('<p class="peerkit-prompt">{}</p>', self.prompt))]

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
        self._set_quietly(saved.value)
        self.last_saved = saved
        self._show_status(saved_label(saved.saved_at))

    def _set_quietly(self, value: Answer) -> None:
        """Fill the inputs without their edits counting as the learner's."""
        self._restoring = True
        try:
            self.set_value(value)
        finally:
            self._restoring = False

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
        self._set_quietly(earlier.value)
        self._show_status(
            "This is what you wrote in an earlier session. Keep it as it is, or update it."
        )

    def changed(self) -> None:
        """Note an edit: show 'Saving…' and save once the learner pauses."""
        if self._restoring:
            return
        self._show_status("Saving…")
        self._debouncer.schedule()

    def changed_now(self) -> None:
        """Note an edit that is complete in itself (a choice, an added item): save at once."""
        if self._restoring:
            return
        self.save_now()

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
        self.status.value = html('<span class="{}" role="{}">{}</span>', css, role, text)

    @property
    def status_text(self) -> str:
        """The status line as plain text (for tests and the CLI)."""
        return unescape(re.sub(r"<[^>]+>", "", self.status.value))


class BoxesExercise(Exercise):
    """An exercise of labelled text boxes (``self.boxes``: key -> box), answered together."""

    boxes: dict[str, widgets.Textarea]

    def get_value(self) -> Answer:
        return {key: box.value for key, box in self.boxes.items()}

    def set_value(self, value: Answer) -> None:
        fill_boxes(self.boxes.items(), value)
