"""What a board shows: a session's exercises in page order, each with the answers shared.

Pure data from the course and the store's ``SharedAnswer`` rows (no web server), so
the facilitator's board, a group's board and their tests read answers one way: as
each exercise type declares (peerkit/exercises/), like the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from peerkit.course.data import Course, SessionInfo
from peerkit.course.notebooks import ExerciseRef, scan
from peerkit.errors import PeerkitError
from peerkit.exercises import exercise_types
from peerkit.exercises.base import Exercise, Part, humanise
from peerkit.portfolio.collect import exercise_options
from peerkit.store.consent import AUDIENCES, SharedAnswer
from peerkit.store.submission import Submission

#: How an answer shared without a name is shown.
NO_NAME = "Shared without a name"


@dataclass(frozen=True)
class BoardAnswer:
    who: str
    named: bool
    saved: str
    audience: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class BoardExercise:
    id: str
    title: str
    answers: tuple[BoardAnswer, ...]


@dataclass(frozen=True)
class BoardSession:
    id: str
    heading: str
    exercises: tuple[BoardExercise, ...]

    @property
    def count(self) -> int:
        return sum(len(e.answers) for e in self.exercises)


def session_heading(course: Course, info: SessionInfo) -> str:
    module = next((m for m in course.modules if m.id == info.module_id), None)
    return f"Module {module.number}, {info.heading}" if module else info.heading


def saved_text(when: datetime) -> str:
    local = when.astimezone()
    return f"{local.day} {local:%b}, {local:%H:%M}"


def _refs(info: SessionInfo, root: Path | None) -> list[ExerciseRef]:
    path = info.notebook_path(root)
    if not path.is_file():
        return []
    seen: set[str] = set()
    refs = []
    for ref in scan(path).exercises:
        if ref.id not in seen:
            seen.add(ref.id)
            refs.append(ref)
    return refs


def board_session(
    course: Course, session_id: str, shared: list[SharedAnswer], root: Path | None = None
) -> BoardSession:
    """The session's exercises, in page order, with the shared answers to each, oldest first."""
    info = course.sessions_by_id.get(session_id)
    if info is None:
        raise PeerkitError("No such session in this course.")
    by_exercise: dict[str, list[SharedAnswer]] = {}
    for answer in shared:
        if answer.session == session_id:
            by_exercise.setdefault(answer.exercise, []).append(answer)
    types = exercise_types()
    exercises = []
    for ref in _refs(info, root):
        cls = types[ref.method]
        options = exercise_options(ref, root)
        answers = _answers(cls, options, by_exercise.pop(ref.id, []))
        exercises.append(BoardExercise(ref.id, ref.prompt or cls.default_prompt, answers))
    for exercise_id, rest in by_exercise.items():  # an exercise no longer on the page
        exercises.append(
            BoardExercise(exercise_id, humanise(exercise_id), _answers(Exercise, {}, rest))
        )
    return BoardSession(session_id, session_heading(course, info), tuple(exercises))


def _answers(
    cls: type[Exercise], options: dict[str, Any], shared: list[SharedAnswer]
) -> tuple[BoardAnswer, ...]:
    out = []
    for answer in shared:
        parts = cls.portfolio(answer.value, options)
        if not parts:
            continue  # shared, but blank: nothing to show
        out.append(
            BoardAnswer(
                who=answer.learner if answer.learner is not None else NO_NAME,
                named=answer.learner is not None,
                saved=saved_text(answer.saved_at),
                audience=AUDIENCES.get(answer.audience, ""),
                parts=parts,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class BoardFeedback:
    author: str
    given: str
    text: str


@dataclass(frozen=True)
class BoardSubmission:
    """One piece of submitted work, as the facilitator's board shows it."""

    id: int
    who: str
    exercise: str
    submitted: str
    parts: tuple[Part, ...]
    feedback: tuple[BoardFeedback, ...]


def submitted_work(
    course: Course, session_id: str, submissions: list[Submission], root: Path | None = None
) -> tuple[BoardSubmission, ...]:
    """The session's submitted work, newest first, read as each exercise type declares."""
    info = course.sessions_by_id.get(session_id)
    if info is None:
        raise PeerkitError("No such session in this course.")
    types = exercise_types()
    refs = {ref.id: ref for ref in _refs(info, root)}
    out = []
    for item in reversed(submissions):
        if item.session != session_id:
            continue
        ref = refs.get(item.exercise)
        cls = types[ref.method] if ref is not None else Exercise
        options = exercise_options(ref, root) if ref is not None else {}
        title = (ref.prompt or cls.default_prompt) if ref is not None else ""
        out.append(
            BoardSubmission(
                id=item.id,
                who=item.learner,
                exercise=title or humanise(item.exercise),
                submitted=saved_text(item.submitted_at),
                parts=cls.portfolio(item.value, options),
                feedback=tuple(
                    BoardFeedback(f.author, saved_text(f.given_at), f.text) for f in item.feedback
                ),
            )
        )
    return tuple(out)
