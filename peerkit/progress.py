"""A learner's progress: exercises answered of the total, per session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .answers import is_answered
from .course import Course
from .notebook_scan import exercise_ids
from .store import AnswerStore


@dataclass(frozen=True)
class SessionProgress:
    session_id: str
    available: bool
    answered: int
    total: int


def course_progress(
    course: Course, store: AnswerStore, learner: str, root: Path | None = None
) -> dict[str, SessionProgress]:
    """Progress for every session; unwritten notebooks count as not available."""
    answered: dict[str, set[str]] = {}
    for revision in store.current_answers(learner):
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
        progress[info.id] = SessionProgress(info.id, True, done, len(ids))
    return progress
