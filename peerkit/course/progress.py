"""A learner's progress: exercises answered of the total, per session and module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from peerkit.course.data import Course, ModuleInfo, SessionInfo
from peerkit.course.notebooks import exercise_ids
from peerkit.store.answers import is_answered
from peerkit.store.protocol import Store


@dataclass(frozen=True)
class SessionProgress:
    session_id: str
    available: bool
    answered: int
    total: int
    #: When the learner last saved anything in this session.
    last_worked: datetime | None = field(default=None, compare=False)


def course_progress(
    course: Course, store: Store, learner: str, root: Path | None = None
) -> dict[str, SessionProgress]:
    """Progress for every session; unwritten notebooks count as not available."""
    answered: dict[str, set[str]] = {}
    last: dict[str, datetime] = {}
    for revision in store.current_answers(learner):
        if revision.session not in last or revision.saved_at > last[revision.session]:
            last[revision.session] = revision.saved_at
        if is_answered(revision.value):
            answered.setdefault(revision.session, set()).add(revision.exercise)
    progress = {}
    for info in course.sessions:
        path = info.notebook_path(root)
        if info.planned or not path.is_file():
            progress[info.id] = SessionProgress(info.id, False, 0, 0)
            continue
        ids = set(exercise_ids(path))
        done = len(ids & answered.get(info.id, set()))
        progress[info.id] = SessionProgress(info.id, True, done, len(ids), last.get(info.id))
    return progress


def module_totals(module: ModuleInfo, progress: dict[str, SessionProgress]) -> tuple[int, int]:
    """(answered, total) across a module's available sessions."""
    states = [progress[s.id] for s in module.sessions if progress[s.id].available]
    return sum(s.answered for s in states), sum(s.total for s in states)


def next_session(course: Course, progress: dict[str, SessionProgress]) -> SessionInfo | None:
    """Where to continue: the first session with unanswered exercises, in course order.

    Modules can be taken on their own, so the search starts in the module the
    learner worked in most recently (then the rest of the course).
    """
    worked = [
        (when, s.module_id)
        for s in course.sessions
        if (when := progress[s.id].last_worked) is not None
    ]
    modules = list(course.modules)
    if worked:
        current = course.module(max(worked)[1])  # where the latest work was
        modules.remove(current)
        modules.insert(0, current)
    for module in modules:
        for info in module.sessions:
            state = progress[info.id]
            if state.available and state.answered < state.total:
                return info
    return None
