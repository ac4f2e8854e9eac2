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

import hashlib
import hmac
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup

from peerkit.errors import AnswerRejected, StoreError
from peerkit.exercises.autosave import AUTOSAVE_DELAY, Debouncer
from peerkit.exercises.form import Block, course_html, keys_of, list_keys
from peerkit.store.answers import MAX_ANSWER_CHARS, Answer, answer_lines, clean_text
from peerkit.store.consent import AUDIENCES, FOR_GROUP, HINTS, PRIVATE, UnknownAudience

if TYPE_CHECKING:
    from peerkit.store.protocol import Store
    from peerkit.store.revision import Revision

#: How long to wait before retrying after the store failed.
RETRY_DELAY = 5.0
#: Makes the text for one place in a sample answer, from a name unique to that place.
TextMaker = Callable[[str], str]


@dataclass(frozen=True)
class AnswerSlot:
    """Where one exercise's answer lives: a learner, a session and an exercise id."""

    store: Store
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


def prompt_block(prompt: str) -> Block:
    """The prompt as a paragraph above the inputs."""
    return course_html(html('<p class="peerkit-prompt">{}</p>', prompt), css="peerkit-prompt-block")


def _text_of(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _texts_of(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


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
    #: False for tools that save only on a button (the CHIME wheel), not as the learner types.
    autosave: ClassVar[bool] = True
    #: True when ``panels()`` draws the answer, so each save redraws them.
    redraw_on_save: ClassVar[bool] = False

    def __init__(
        self,
        slot: AnswerSlot,
        prompt: str,
        *,
        autosave_delay: float | None = AUTOSAVE_DELAY,
        carry_from: tuple[str, str] | None = None,
        submit: bool = False,
        group_board: bool = False,
        **options: Any,
    ) -> None:
        from peerkit.exercises.view import ExerciseView

        self.slot = slot
        self.carry_from = carry_from
        #: Offered for submission to the facilitator, in a class (the essays).
        self.submittable = submit
        #: Where the course asks learners to hear each other's ideas: in a class, the
        #: service keeps a board of the group's ideas for it (peerkit/hub/idea_api.py).
        self.group_board = group_board
        self._board: Any = None
        self.prompt = prompt
        self.last_saved: Revision | None = None
        # Saves asked for from Python (``edit()``) wait for a pause; the browser's own
        # edits arrive already paused and are saved at once. At kernel exit the last
        # save must end before jupyter_client kills the kernel (about 2.5 s), not wait
        # SQLite's usual 10 s for another page's lock.
        self._debouncer = Debouncer(
            self.save_now, autosave_delay, before_exit=slot.store.wait_briefly
        )
        #: Called with each new revision (the session's progress bar listens).
        self.on_saved: list[Callable[[Revision], None]] = []
        self._latest_seq: dict[str, int] = {}
        #: The reply to the latest action (``perform`` sets it).
        self._action_reply: dict[str, Any] = {"type": "failed", "message": "Nothing was done."}
        self.blocks = self.build(**options)
        self.keys = keys_of(self.blocks)
        self._list_keys = list_keys(self.blocks)
        self.view = ExerciseView(
            spec={
                "header": self.header(),
                "blocks": self.blocks,
                "classes": [
                    "peerkit-exercise" if self.counted else "peerkit-tool",
                    f"peerkit-{self.kind}",
                ],
                "max_chars": MAX_ANSWER_CHARS,
                "autosave": self.autosave,
            }
        )
        self.view.add_class("peerkit-exercise" if self.counted else "peerkit-tool")
        self.view.add_class(f"peerkit-{self.kind}")
        self.view.on_msg(self._on_message)
        self.restore()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """Shown as its widget when it is a cell's result."""
        return self.view._repr_mimebundle_(**kwargs)

    # --- for subclasses -------------------------------------------------
    def build(self, *args: Any, **options: Any) -> list[Block]:
        """The form below the prompt; its keyword parameters are the type's options."""
        raise NotImplementedError

    def header(self) -> list[Block]:
        """Blocks shown above the form; by default the prompt as a paragraph."""
        return [prompt_block(self.prompt)]

    def to_form(self, value: Answer) -> dict[str, Any]:
        """A stored answer as the form's values (anything missing or malformed: blank)."""
        saved = value if isinstance(value, dict) else {}
        return {
            key: _texts_of(saved.get(key)) if key in self._list_keys else _text_of(saved.get(key))
            for key in self.keys
        }

    def from_form(self, values: Mapping[str, Any]) -> Answer:
        """The form's values as the answer to store."""
        return dict(values)

    def panels(self, values: Mapping[str, Any]) -> dict[str, str]:
        """HTML for the form's panels, drawn from the values (pictures of the answer)."""
        return {}

    def perform(self, name: str, values: Mapping[str, Any]) -> None:
        """Do the form's action ``name`` (a button); the form's values come with it."""
        raise ValueError(f"{type(self).__name__} has no action {name!r}")

    # --- the answer -----------------------------------------------------
    @property
    def exercise_id(self) -> str:
        return self.slot.exercise

    @property
    def form_values(self) -> dict[str, Any]:
        """The form's values as the kernel last heard them."""
        return dict(self.view.values)

    def get_value(self) -> Answer:
        return self.from_form(self.form_values)

    def set_value(self, value: Answer) -> None:
        """Show ``value`` in the form (sent to the browser)."""
        self._show_values(self.to_form(value), self.view.revision)

    def _show_values(self, values: dict[str, Any], revision: int) -> None:
        with self.view.hold_sync():
            self.view.values = values
            self.view.revision = revision
            self.view.panels = self.panels(values)

    def clean_values(self, values: Any) -> dict[str, Any]:
        """Values from the browser (untrusted): the form's keys, each of its own shape,
        with text that cannot be stored (lone surrogates) replaced."""
        given = values if isinstance(values, Mapping) else {}
        return {
            key: [clean_text(t) for t in _texts_of(given.get(key))]
            if key in self._list_keys
            else clean_text(_text_of(given.get(key)))
            for key in self.keys
        }

    def edit(self, **values: Any) -> None:
        """Change some of the form's values from Python, as typing would (saved after a pause)."""
        unknown = set(values) - set(self.keys)
        if unknown:
            raise KeyError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        merged = self.clean_values({**self.form_values, **values})
        self._show_values(merged, self.view.revision)
        self.changed()

    # --- saving ---------------------------------------------------------
    def restore(self) -> None:
        """Load the learner's saved answer into the form."""
        try:
            saved = self.slot.load()
            self.view.draft_secret = self.slot.store.draft_secret(self.slot.learner)
        except StoreError:
            self._show_status("Your earlier answer could not be loaded just now.", error=True)
            return
        self.view.draft_key = draft_name(self.view.draft_secret, self.slot)
        self._show_sharing()
        self._show_submission()
        self._show_board()
        if saved is None:
            self._show_values(self.to_form({}), 0)
            self._carry_over()
            return
        self._show_values(self.to_form(saved.value), saved.id)
        self.last_saved = saved
        self._show_status(saved_label(saved.saved_at), state="saved")

    def _groups(self) -> list[str]:
        """The learner's groups, when they are in several (one: nothing to choose)."""
        store = self.slot.store
        now = getattr(store, "groups_now", None)
        try:
            found = now() if now is not None else getattr(store, "groups", [])
        except StoreError:
            found = getattr(store, "groups", [])
        groups = [g for g in found if isinstance(g, str)]
        return groups if len(groups) > 1 else []

    def _show_sharing(self) -> None:
        """Offer the choice of who may see this answer, when the learner is in a group;
        someone in several groups also chooses which group (none until they do)."""
        store = self.slot.store
        if not self.counted or not store.sharing:
            return
        groups = self._groups()
        try:
            consent = store.consent(self.slot.learner, self.slot.session, self.slot.exercise)
        except StoreError:
            self.view.sharing = {"audience": "", "choices": _choices(), "groups": groups}
            return
        audience = consent.audience if consent is not None else PRIVATE
        group = consent.group if consent is not None and consent.group in groups else ""
        self.view.sharing = {
            "audience": audience,
            "choices": _choices(),
            "groups": groups,
            "group": group or "",
        }

    def _show_submission(self) -> None:
        """Offer "Submit to my facilitator", with the feedback so far, in a class."""
        if not self.submittable or not self.slot.store.sharing:
            return
        from peerkit.exercises.submitting import submission_state

        self.view.submission = submission_state(self.slot)

    def _show_board(self) -> None:
        """The group's ideas beside the exercise, kept live, in a class."""
        store = self.slot.store
        if not self.group_board or self._board is not None or not store.sharing:
            return
        boards = getattr(store, "idea_boards", None)
        if boards is None:
            return
        from peerkit.exercises.group_board import GroupBoard

        self._board = GroupBoard(self.view, boards, self.slot.session, self.slot.exercise)

    def submit_work(self) -> dict[str, Any]:
        """Submit the answer as saved now; the reply the browser view is sent."""
        from peerkit.exercises.submitting import submit

        if self.save_pending:
            self.save_now()  # what the learner sees is what is sent
        reply, state = submit(self.slot, dict(self.view.submission))
        with self.view._quietly(submission=state):
            self.view.submission = state
        return reply

    def share(self, audience: Any, group: Any = None) -> dict[str, Any]:
        """Record who may see this answer (and, for "my group", which of the learner's
        groups, when they are in several); the reply the browser view is sent."""
        groups = self._groups()
        chosen = group if isinstance(group, str) and group in groups else None
        if audience in FOR_GROUP and groups and chosen is None:
            return {"type": "share-failed", "message": CHOOSE_GROUP}
        try:
            consent = self.slot.store.set_consent(
                self.slot.learner, self.slot.session, self.slot.exercise, audience,
                chosen if audience in FOR_GROUP else None,
            )  # fmt: skip
        except UnknownAudience as exc:
            return {"type": "share-failed", "message": str(exc)}
        except StoreError:
            return {
                "type": "share-failed",
                "message": "Your choice could not be saved just now, so it is as it was. "
                "Please try again.",
            }
        now = {**self.view.sharing, "audience": consent.audience, "group": consent.group or ""}
        with self.view._quietly(sharing=now):
            self.view.sharing = now
        return {
            "type": "shared",
            "audience": consent.audience,
            "label": consent.label,
            "group": consent.group or "",
        }

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
        self._show_values(self.to_form(earlier.value), 0)
        self._show_status(
            "This is what you wrote in an earlier session. Keep it as it is, or update it."
        )

    def changed(self) -> None:
        """Note an edit made from Python: save once the edits pause (unless the type saves
        only on its button, as the CHIME wheel does)."""
        if not self.autosave:
            return
        self._show_status("Saving…", state="saving")
        self._debouncer.schedule()

    def changed_now(self) -> None:
        """Note an edit that is complete in itself: save at once."""
        self.save_now()

    def save_now(self) -> Revision | None:
        """Save the form's values at once (the programmatic twin of autosave)."""
        reply = self._save(self.form_values, base=None)
        return self.last_saved if reply["type"] == "saved" else None

    def receive(
        self, values: Any, *, base: Any = None, seq: int = 0, view: str = "", restored: bool = False
    ) -> dict[str, Any]:
        """Save what a browser view sent; returns the reply it is sent back."""
        cleaned = self.clean_values(values)
        known = isinstance(base, int) and not isinstance(base, bool)
        reply = self._save(cleaned, base=base if known else None, quiet=True)
        reply.update(seq=seq, view=view)
        if restored and reply["type"] == "saved":
            reply["restored"] = True
        if cleaned != values:
            reply["values"] = cleaned
        return reply

    def _save(
        self, values: dict[str, Any], *, base: int | None, quiet: bool = False
    ) -> dict[str, Any]:
        self._debouncer.cancel()
        try:
            revision, replaced = self.slot.store.save_over(
                self.slot.learner,
                self.slot.session,
                self.slot.exercise,
                self.from_form(values),
                base=base,
            )
        except AnswerRejected as exc:
            self._show_status(str(exc), error=True, quiet=quiet)
            return {"type": "refused", "message": str(exc), "short": "this answer is too long."}
        except StoreError:
            message = (
                "Not saved yet: the course could not write your answer just now. It will try again."
            )
            self._show_status(message, error=True, quiet=quiet)
            if not quiet:
                self._debouncer.schedule(after=RETRY_DELAY)
            return {"type": "failed", "message": message}
        is_new = self.last_saved is None or revision.id != self.last_saved.id
        self.last_saved = revision
        label = saved_label(revision.saved_at)
        if quiet:
            self.view.remember(values, revision.id)
            if self.redraw_on_save:
                self.view.panels = self.panels(values)
        else:
            self._show_values(values, revision.id)
        self._show_status(label, state="saved", quiet=quiet)
        if is_new:
            for callback in self.on_saved:
                callback(revision)
        reply: dict[str, Any] = {"type": "saved", "revision": revision.id, "label": label}
        if replaced is not None:
            reply["elsewhere"] = self._other(replaced)
        return reply

    def _other(self, revision: Revision) -> dict[str, Any]:
        return {
            "revision": revision.id,
            "value": self.to_form(revision.value),
            "label": saved_label(revision.saved_at),
        }

    def check(self, base: Any) -> dict[str, Any] | None:
        """A 'newer' reply when the stored answer is not revision ``base`` any more."""
        try:
            latest = self.slot.load()
        except StoreError:
            return None
        if latest is None or latest.id == base:
            return None
        return {"type": "newer", "other": self._other(latest)}

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """A message from the browser view: save, check for a newer answer, or act."""
        if not isinstance(content, dict):
            return
        view = str(content.get("view", ""))[:100]
        seq = content.get("seq")
        seq = seq if isinstance(seq, int) else 0
        kind = content.get("type")
        if kind in {"save", "action"}:
            if seq < self._latest_seq.get(view, 0):
                return  # overtaken by a later edit from the same view
            self._latest_seq[view] = seq
        reply: dict[str, Any] | None
        if kind == "save":
            reply = self.receive(
                content.get("value"),
                base=content.get("base"),
                seq=seq,
                view=view,
                restored=bool(content.get("restored")),
            )
        elif kind == "action":
            try:
                self.perform(str(content.get("name", "")), self.clean_values(content.get("value")))
            except ValueError:
                return
            reply = dict(self._action_reply)
            reply.update(seq=seq, view=view)
        elif kind == "check":
            reply = self.check(content.get("base"))
            if reply is not None:
                reply["view"] = view
        elif kind == "share":
            reply = self.share(content.get("audience"), content.get("group"))
            reply["view"] = view
        elif kind == "submit" and self.submittable:
            reply = self.submit_work()
            reply["view"] = view
        elif isinstance(kind, str) and kind.startswith("idea-") and self._board is not None:
            reply = self._board.handle(content)
            reply["view"] = view
        else:
            return
        if reply is not None:
            self.view.send(reply)

    @property
    def save_pending(self) -> bool:
        return self._debouncer.pending

    def _show_status(
        self, text: str, *, error: bool = False, state: str = "idle", quiet: bool = False
    ) -> None:
        status = {"state": "error" if error else state, "text": text, "error": error}
        if quiet:
            with self.view._quietly(status=status):
                self.view.status = status
        else:
            self.view.status = status

    @property
    def status_text(self) -> str:
        """The status line as plain text (for tests and the CLI)."""
        return str(self.view.status.get("text", ""))


#: Said when someone in several groups shares with "my group" without saying which.
CHOOSE_GROUP = "Choose which group can see this answer: it is shown to that group only."


def _choices() -> list[list[str]]:
    return [[value, label, HINTS[value]] for value, label in AUDIENCES.items()]


def draft_name(secret: str, slot: AnswerSlot) -> str:
    """Where a browser keeps this exercise's draft: says nothing without the learner's key."""
    message = f"{slot.learner}\n{slot.session}\n{slot.exercise}".encode()
    return hmac.new(secret.encode("ascii"), message, hashlib.sha256).hexdigest()[:32]


class BoxesExercise(Exercise):
    """An exercise of labelled text boxes, answered together (key -> text)."""
