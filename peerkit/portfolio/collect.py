"""Gather a learner's portfolio as plain data: modules, sessions, exercises and answers.

Exercises come in notebook order with their prompt, and their answer read as
their exercise type declares (``peerkit/exercises/``: labels from the
notebook's literal options and the type's defaults), with every revision. The
notebooks are scanned once per change (``course.notebooks.scan``) and the
revisions read in one query. Answers whose exercise is no longer in a
notebook are gathered under "other" so that nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.course.answer_ids import CHIME_EXERCISE, CHIME_SESSION
from peerkit.course.data import Course, load_yaml
from peerkit.course.notebooks import ContentRef, ExerciseRef, scan
from peerkit.errors import CourseDataError
from peerkit.exercises import exercise_types
from peerkit.exercises.base import Exercise, Part, humanise
from peerkit.exercises.chime_wheel import ChimeWheel
from peerkit.exercises.submitting import when_text
from peerkit.store.answers import is_answered
from peerkit.store.consent import AUDIENCES, FOR_GROUP, PRIVATE, Consent
from peerkit.store.ideas import Idea
from peerkit.store.protocol import Store
from peerkit.store.revision import Revision
from peerkit.store.submission import Submission

__all__ = ["ExerciseEntry", "ModuleEntry", "Part", "Portfolio", "SessionEntry", "collect_portfolio"]

#: Bump when the JSON export changes shape.
SCHEMA_VERSION = 1
CHIME_METHOD = "chime_wheel"
CHIME_KEY = (CHIME_SESSION, CHIME_EXERCISE)

Key = tuple[str, str]


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
    #: Who may see the answer, as the learner chose: "" outside a class.
    audience: str = ""
    audience_changed_at: datetime | None = None
    #: The one group a choice of "my group" is for, by the name the class gives it
    #: (the hub's group name, as the share control shows it); "" when the choice
    #: names none (recorded before groups were named) or is not for a group.
    audience_group: str = ""
    #: The times it was submitted to the facilitator, oldest first, with their feedback.
    submissions: tuple[Submission, ...] = ()
    #: The ideas the learner added to the group's board beside it, oldest first.
    ideas: tuple[Idea, ...] = ()

    @property
    def idea_lines(self) -> tuple[tuple[str, str], ...]:
        """Each idea the learner added to the group's board: (the idea, what became of it)."""
        return tuple((idea.text, idea_fate(idea)) for idea in self.ideas)

    @property
    def submitted_note(self) -> str:
        """'Submitted to your facilitator on 2 Dec 2026 at 14:05.', or "" if never."""
        if not self.submissions:
            return ""
        last = when_text(self.submissions[-1].submitted_at)
        times = len(self.submissions)
        more = f" (submitted {times} times in all)" if times > 1 else ""
        return f"Submitted to your facilitator on {last}{more}."

    @property
    def feedback(self) -> tuple[tuple[str, str], ...]:
        """Each piece of the facilitator's feedback: (who and when, the feedback)."""
        return tuple(
            (f"Feedback from {note.author}, {when_text(note.given_at)}", note.text)
            for item in self.submissions
            for note in item.feedback
        )

    @property
    def shared_with(self) -> str:
        """'Who can see this: Me and my facilitator', or "" outside a class; a choice
        of "my group" that names its group says which, as the share control does:
        'Who can see this: My group, with my name (“Tuesday group”)'."""
        if not self.audience:
            return ""
        said = AUDIENCES.get(self.audience, AUDIENCES[PRIVATE])
        if self.audience in FOR_GROUP and self.audience_group:
            said += f" (\u201c{self.audience_group}\u201d)"
        return f"Who can see this: {said}"

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
        """The exercises with a non-blank current answer (or ideas on its board), in order."""
        return [e for e in self.exercises if e.answered or e.ideas]


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


def collect_portfolio(
    learner: str,
    store: Store,
    course: Course,
    root: Path | None = None,
    now: datetime | None = None,
) -> Portfolio:
    """The learner's whole portfolio. ``root`` is the notebooks folder (default: the course's)."""
    histories = _histories(store, learner)
    choices = {(c.session, c.exercise): c for c in store.consents(learner)}
    in_class = store.sharing or bool(choices)
    submitted: dict[Key, list[Submission]] = {}
    for item in store.submissions(learner) if in_class else ():
        submitted.setdefault((item.session, item.exercise), []).append(item)
    added: dict[Key, list[Idea]] = {}
    for idea in store.own_ideas(learner) if in_class else ():
        added.setdefault((idea.session, idea.board), []).append(idea)
    modules = []
    for module in course.modules:
        sessions = []
        for info in module.sessions:
            path = info.notebook_path(root)
            notebook = scan(path) if path.is_file() else None
            refs = _unique(notebook.exercises) if notebook else []
            entries = [_entry(info.id, ref, histories, root) for ref in refs]
            chime_cell = notebook.chime_cell if notebook else None
            if info.id == CHIME_SESSION and (chime_cell is not None or CHIME_KEY in histories):
                # In notebook order where the page shows the wheel, else first.
                at = sum(1 for ref in refs if chime_cell is not None and ref.cell < chime_cell)
                entries.insert(at, _chime_entry(histories.pop(CHIME_KEY, ())))
            if in_class:
                entries = [_with_choice(entry, choices, submitted, added) for entry in entries]
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


def idea_fate(idea: Idea) -> str:
    """What became of one of the learner's ideas, in words."""
    shown = "with your name" if idea.named else "without your name"
    if idea.withdrawn:
        return "You took it off the board."
    if idea.hidden:
        return f"Hidden by your facilitator: {idea.reason}"
    return f"On your group's board, {shown}."


def _with_choice(
    entry: ExerciseEntry,
    choices: dict[Key, Consent],
    submitted: dict[Key, list[Submission]],
    added: dict[Key, list[Idea]],
) -> ExerciseEntry:
    key = (entry.session_id, entry.id)
    chosen = choices.get(key)
    entry = replace(
        entry, submissions=tuple(submitted.get(key, ())), ideas=tuple(added.get(key, ()))
    )
    if chosen is None:
        return replace(entry, audience=PRIVATE)
    group = (chosen.group or "") if chosen.audience in FOR_GROUP else ""
    return replace(
        entry,
        audience=chosen.audience,
        audience_changed_at=chosen.changed_at,
        audience_group=group,
    )


def _histories(store: Store, learner: str) -> dict[Key, tuple[Revision, ...]]:
    """Every revision of every answer of the learner, keyed by (session, exercise)."""
    found: dict[Key, list[Revision]] = {}
    for revision in store.all_revisions(learner):
        found.setdefault((revision.session, revision.exercise), []).append(revision)
    return {key: tuple(revisions) for key, revisions in found.items()}


def _unique(refs: tuple[ExerciseRef, ...]) -> list[ExerciseRef]:
    seen: set[str] = set()
    out = []
    for ref in refs:
        if ref.id not in seen:
            seen.add(ref.id)
            out.append(ref)
    return out


def exercise_options(ref: ExerciseRef, root: Path | None = None) -> dict[str, Any]:
    """The exercise's options as its page has them: defaults, literals and course data."""
    cls = exercise_types()[ref.method]
    given = {
        key: _content(value.name, root) if isinstance(value, ContentRef) else value
        for key, value in ref.options.items()
    }
    return cls.resolve(given)


def _content(name: str, root: Path | None) -> Any:
    """The course data file ``name`` (beside ``root``'s notebooks first), or None."""
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


def _entry(
    session_id: str,
    ref: ExerciseRef,
    histories: dict[Key, tuple[Revision, ...]],
    root: Path | None,
) -> ExerciseEntry:
    cls = exercise_types()[ref.method]
    options = exercise_options(ref, root)
    revisions = histories.pop((session_id, ref.id), ())
    return _read(
        cls,
        ExerciseEntry(session_id, ref.id, ref.method, ref.prompt or cls.default_prompt),
        revisions,
        options,
    )


def _read(
    cls: type[Exercise],
    entry: ExerciseEntry,
    revisions: tuple[Revision, ...],
    options: Mapping[str, Any],
) -> ExerciseEntry:
    """The entry with its answer read as the exercise type declares."""
    value = revisions[-1].value if revisions else None
    return ExerciseEntry(
        entry.session_id,
        entry.id,
        entry.method,
        entry.prompt,
        labels=cls.labels(options),
        revisions=revisions,
        parts=cls.portfolio(value, options),
        context=cls.context(options),
        **cls.extras(value),
    )


def _chime_entry(revisions: tuple[Revision, ...]) -> ExerciseEntry:
    entry = ExerciseEntry(CHIME_SESSION, CHIME_EXERCISE, CHIME_METHOD, ChimeWheel.default_prompt)
    return _read(ChimeWheel, entry, revisions, {})


def _other(histories: dict[Key, tuple[Revision, ...]], course: Course) -> tuple[SessionEntry, ...]:
    """Answers to exercises not found in any notebook, grouped by session."""
    order = {info.id: n for n, info in enumerate(course.sessions)}
    by_session: dict[str, list[ExerciseEntry]] = {}
    for (session_id, exercise_id), revisions in histories.items():
        entry = ExerciseEntry(session_id, exercise_id, "", "")
        by_session.setdefault(session_id, []).append(_read(Exercise, entry, revisions, {}))
    out = []
    for session_id in sorted(by_session, key=lambda s: (order.get(s, len(order)), s)):
        info = course.sessions_by_id.get(session_id)
        heading = info.heading if info else humanise(session_id)
        out.append(SessionEntry(session_id, heading, tuple(by_session[session_id])))
    return tuple(out)
