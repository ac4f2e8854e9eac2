"""Gather a learner's portfolio as plain data: modules, sessions, exercises and answers.

Exercises come in notebook order with their prompt and the labels of their parts
(read from the notebook's literal options), the current answer split into
labelled parts, and every revision. Answers whose exercise is no longer in a
notebook are gathered under "other" so that nothing is lost.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.course.data import Course, load_yaml
from peerkit.course.notebooks import ExerciseRef, exercises, read_notebook
from peerkit.errors import CourseDataError
from peerkit.store.answer_store import AnswerStore, Revision
from peerkit.store.answers import answer_lines, is_answered

#: Bump when the JSON export changes shape.
SCHEMA_VERSION = 1
CHIME_METHOD = "chime_wheel"
CHIME_TITLE = "My CHIME wheel"
SKY_TITLE = "Sky and mountains"
#: Defaults of ``Session.paired`` and ``Session.statement_builder`` (not in the notebook).
PAIRED_DEFAULTS = {"learn": "What do I need to learn?", "let-go": "What do I need to let go?"}
STATEMENT_DEFAULT = "My statement"
ESSAY_DRAFT_LABEL = "My draft"

Key = tuple[str, str]


@dataclass(frozen=True)
class Part:
    """One labelled piece of an answer: text (paragraphs) or list items."""

    label: str
    text: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExerciseEntry:
    """One exercise and the learner's answer to it (if any)."""

    session_id: str
    id: str
    method: str  # "" when the exercise is no longer in a notebook
    prompt: str
    labels: dict[str, str] = field(default_factory=dict)
    revisions: tuple[Revision, ...] = ()
    parts: tuple[Part, ...] = ()
    context: str = ""
    sky: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    readings: tuple[dict[str, str], ...] = ()

    @property
    def title(self) -> str:
        return self.prompt or humanise(self.id)

    @property
    def current(self) -> Revision | None:
        return self.revisions[-1] if self.revisions else None

    @property
    def answered(self) -> bool:
        return self.current is not None and is_answered(self.current.value)


@dataclass(frozen=True)
class SessionEntry:
    id: str
    heading: str
    exercises: tuple[ExerciseEntry, ...] = ()

    @property
    def answered(self) -> list[ExerciseEntry]:
        """The exercises with a non-blank current answer, in order."""
        return [e for e in self.exercises if e.answered]


@dataclass(frozen=True)
class ModuleEntry:
    id: str
    heading: str
    sessions: tuple[SessionEntry, ...] = ()

    @property
    def answered(self) -> list[SessionEntry]:
        """The sessions with at least one answer (the human formats show only these)."""
        return [s for s in self.sessions if s.answered]


@dataclass(frozen=True)
class Portfolio:
    learner: str
    course_title: str
    exported_at: datetime
    modules: tuple[ModuleEntry, ...]
    other: tuple[SessionEntry, ...] = ()
    schema_version: int = SCHEMA_VERSION

    def entries(self) -> Iterator[tuple[ModuleEntry | None, SessionEntry, ExerciseEntry]]:
        """Every exercise, course order first, then the other answers (module None)."""
        for module in self.modules:
            for session in module.sessions:
                for exercise in session.exercises:
                    yield module, session, exercise
        for session in self.other:
            for exercise in session.exercises:
                yield None, session, exercise

    @property
    def other_answered(self) -> list[SessionEntry]:
        return [s for s in self.other if s.answered]


def humanise(key: str) -> str:
    """'let-go' -> 'Let go'."""
    words = key.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def collect_portfolio(
    learner: str,
    store: AnswerStore,
    course: Course,
    root: Path | None = None,
    now: datetime | None = None,
) -> Portfolio:
    """The learner's whole portfolio. ``root`` is the notebooks folder (default: the course's)."""
    histories = _histories(store, learner)
    chime = chime_key()
    modules = []
    for module in course.modules:
        sessions = []
        for info in module.sessions:
            path = info.notebook_path(root)
            refs: list[tuple[ExerciseRef, dict[str, str]]] = []
            chime_cell: int | None = None
            if path.is_file():
                nb = read_notebook(path)
                refs = [(ref, labels_for(ref, nb, root)) for ref in _unique(exercises(nb))]
                chime_cell = _chime_cell(nb)
            entries = [_entry(info.id, ref, labels, histories) for ref, labels in refs]
            if info.id == chime[0] and (chime_cell is not None or chime in histories):
                # In notebook order where the page shows the wheel, else first.
                at = sum(1 for ref, _ in refs if chime_cell is not None and ref.cell < chime_cell)
                entries.insert(at, _chime_entry(histories.pop(chime, ())))
            sessions.append(SessionEntry(info.id, info.heading, tuple(entries)))
        heading = f"Module {module.number}: {module.title}"
        modules.append(ModuleEntry(module.id, heading, tuple(sessions)))
    return Portfolio(
        learner=learner,
        course_title=course.title,
        exported_at=now or datetime.now(UTC),
        modules=tuple(modules),
        other=_other(histories, course),
    )


def _histories(store: AnswerStore, learner: str) -> dict[Key, tuple[Revision, ...]]:
    """Every revision of every answer of the learner, keyed by (session, exercise)."""
    keys = [(r.session, r.exercise) for r in store.current_answers(learner)]
    return {key: tuple(store.history(learner, *key)) for key in keys}


def _unique(refs: list[ExerciseRef]) -> list[ExerciseRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        if ref.id not in seen:
            seen.add(ref.id)
            out.append(ref)
    return out


def chime_key() -> Key:
    from peerkit.exercises.chime_wheel import CHIME_EXERCISE, CHIME_SESSION

    return CHIME_SESSION, CHIME_EXERCISE


def _chime_cell(nb: dict[str, Any]) -> int | None:
    """The index of the first code cell that shows the CHIME wheel, if any."""
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code" and f".{CHIME_METHOD}(" in "".join(cell["source"]):
            return index
    return None


def _other(histories: dict[Key, tuple[Revision, ...]], course: Course) -> tuple[SessionEntry, ...]:
    """Answers to exercises not found in any notebook, grouped by session."""
    order = {info.id: n for n, info in enumerate(course.sessions)}
    by_session: dict[str, list[ExerciseEntry]] = {}
    for (session_id, exercise_id), revisions in histories.items():
        entry = ExerciseEntry(session_id, exercise_id, "", "", revisions=revisions)
        by_session.setdefault(session_id, []).append(
            _with_answer(entry, revisions[-1].value if revisions else None, {})
        )
    out = []
    for session_id in sorted(by_session, key=lambda s: (order.get(s, len(order)), s)):
        info = course.sessions_by_id.get(session_id)
        heading = info.heading if info else humanise(session_id)
        out.append(SessionEntry(session_id, heading, tuple(by_session[session_id])))
    return tuple(out)


# --- labels ---------------------------------------------------------------


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def labels_for(ref: ExerciseRef, nb: dict[str, Any], root: Path | None) -> dict[str, str]:
    """Labels for the keys of the exercise's answer, from its literal options."""
    from peerkit.exercises.essay_planner import DRAFT_KEY
    from peerkit.exercises.statement_builder import STATEMENT_KEY
    from peerkit.exercises.text import WHO_AM_I_BOXES

    o = ref.options
    match ref.method:
        case "multi_box":
            return _str_map(o.get("boxes"))
        case "who_am_i_map":
            return dict(WHO_AM_I_BOXES)
        case "paired":
            return {
                "learn": str(o.get("left", PAIRED_DEFAULTS["learn"])),
                "let-go": str(o.get("right", PAIRED_DEFAULTS["let-go"])),
            }
        case "value_set":
            values = o.get("values")
            if values is None:
                values = _content_values(nb, ref, root)
            names = [str(v["name"]) for v in values or () if isinstance(v, dict) and "name" in v]
            return {name.lower().replace(" ", "-"): name for name in names}
        case "statement_builder":
            label = str(o.get("statement_label", STATEMENT_DEFAULT))
            return {**_str_map(o.get("parts")), STATEMENT_KEY: label}
        case "essay_planner":
            return {**_str_map(o.get("sections")), DRAFT_KEY: ESSAY_DRAFT_LABEL}
        case "scenario":
            return _str_map(o.get("questions"))
        case "rewrite":
            return _str_map(o.get("statements"))
        case "rating":
            return _str_map(o.get("items"))
        case "card_sort":
            return _str_map(o.get("cards"))
        case "choice":
            items = o.get("items") if isinstance(o.get("items"), list) else []
            return {str(i["key"]): str(i.get("text", "")) for i in items if "key" in i}
        case "sky_and_mountains":
            return {
                "sky": str(o.get("sky_prompt", "On the sky")),
                "mountains": str(o.get("mountains_prompt", "On the mountains")),
            }
    return {}


def _content_values(nb: dict[str, Any], ref: ExerciseRef, root: Path | None) -> Any:
    """The course data behind ``values=session.content("name")`` in the exercise's cell."""
    source = "".join(nb["cells"][ref.cell].get("source", ""))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "content"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            name = node.args[0].value
            if "/" in name or "\\" in name or name.startswith("."):
                return None
            folders = [root.parent / "content"] if root else []
            for folder in [*folders, paths.content_dir()]:
                path = folder / f"{name}.yaml"
                if path.is_file():
                    try:
                        return load_yaml(path)
                    except CourseDataError:
                        return None
    return None


# --- answers --------------------------------------------------------------


def _entry(
    session_id: str,
    ref: ExerciseRef,
    labels: dict[str, str],
    histories: dict[Key, tuple[Revision, ...]],
) -> ExerciseEntry:
    revisions = histories.pop((session_id, ref.id), ())
    prompt = ref.prompt or (SKY_TITLE if ref.method == "sky_and_mountains" else "")
    context = str(ref.options.get("situation", "")) if ref.method == "scenario" else ""
    entry = ExerciseEntry(
        session_id, ref.id, ref.method, prompt, labels, revisions, context=context
    )
    return _with_answer(entry, revisions[-1].value if revisions else None, ref.options)


def _chime_entry(revisions: tuple[Revision, ...]) -> ExerciseEntry:
    session_id, exercise_id = chime_key()
    entry = ExerciseEntry(session_id, exercise_id, CHIME_METHOD, CHIME_TITLE, revisions=revisions)
    value = revisions[-1].value if revisions else None
    raw = value.get("readings") if isinstance(value, dict) else None
    readings = tuple(
        {str(k): v if isinstance(v, str) else "" for k, v in r.items()}
        for r in (raw if isinstance(raw, list) else [])
        if isinstance(r, dict)
    )
    rest = {k: v for k, v in value.items() if k != "readings"} if isinstance(value, dict) else {}
    return replace(entry, readings=readings, parts=_parts(entry, rest, {}))


def _with_answer(entry: ExerciseEntry, value: Any, options: dict[str, Any]) -> ExerciseEntry:
    """The entry with its current answer split into labelled parts."""
    sky = None
    if entry.method == "sky_and_mountains" and isinstance(value, dict):
        sky = (_texts(value.get("sky")), _texts(value.get("mountains")))
    return replace(entry, parts=_parts(entry, value, options), sky=sky)


def _texts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else []
    return tuple(i for i in items if isinstance(i, str) and i.strip())


def _parts(entry: ExerciseEntry, value: Any, options: dict[str, Any]) -> tuple[Part, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (Part("", value),) if value.strip() else ()
    if isinstance(value, list):
        items = tuple(answer_lines(value))
        return (Part("", items=items),) if items else ()
    if not isinstance(value, dict):
        return ()
    from peerkit.exercises.scenario import REVEALED_KEY

    hidden = {REVEALED_KEY} if entry.method == "scenario" else set()
    keys = [k for k in entry.labels if k in value]
    keys += [k for k in value if k not in entry.labels and k not in hidden]
    parts = []
    for key in keys:
        label = entry.labels.get(key) or humanise(key)
        shown = _shown(entry.method, options, value[key])
        if isinstance(shown, str):
            if shown.strip():
                parts.append(Part(label, shown))
        else:
            items = tuple(answer_lines(shown))
            if items:
                parts.append(Part(label, items=items))
    return tuple(parts)


def _shown(method: str, options: dict[str, Any], value: Any) -> Any:
    """A stored choice as the words the learner chose (option, group or score)."""
    if not isinstance(value, str) or not value:
        return value
    if method == "choice":
        return "My answer: " + _str_map(options.get("options")).get(value, value)
    if method == "card_sort":
        return "Placed in: " + _str_map(options.get("groups")).get(value, value)
    if method == "rating":
        return f"{value} out of {options.get('maximum', 10)}"
    return value
