"""Sample answers for every exercise in the course, for tests and the export benchmark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from peerkit.course.answer_ids import CHIME_EXERCISE, CHIME_SESSION
from peerkit.course.data import Course
from peerkit.course.notebooks import scan
from peerkit.exercises import exercise_types
from peerkit.exercises.base import TextMaker
from peerkit.exercises.chime_wheel import ChimeWheel
from peerkit.portfolio.collect import exercise_options
from peerkit.store.answers import Answer


def sample_answers(
    course: Course, text: TextMaker, root: Path | None = None, *, items: int = 3
) -> Iterator[tuple[str, str, Answer]]:
    """(session, exercise, answer) for every exercise of every notebook, and a CHIME reading.

    ``text(name)`` makes each text from a name unique to its place in the course,
    such as ``"m2s1/core-behaviours/i-commit"``.
    """
    for info in course.sessions:
        path = info.notebook_path(root)
        if not path.is_file():
            continue
        for ref in scan(path).exercises:
            cls = exercise_types()[ref.method]
            name = f"{info.id}/{ref.id}"

            def place(part: str, name: str = name) -> str:
                return text(f"{name}/{part}" if part else name)

            yield info.id, ref.id, cls.sample(exercise_options(ref, root), place, items)
    yield CHIME_SESSION, CHIME_EXERCISE, ChimeWheel.sample({}, text, items)
