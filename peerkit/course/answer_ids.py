"""Every answer the course can store: (session, exercise) pairs, read from the notebooks.

The hub service refuses any other pair, so a request cannot fill the database with
answers no page would ever show.
"""

from __future__ import annotations

from pathlib import Path

from peerkit.course.data import Course
from peerkit.course.notebooks import scan

#: The learner's name on the course home (peerkit/pages/home.py).
PROFILE_SESSION, NAME_EXERCISE = "profile", "display-name"
#: The CHIME wheel's readings, drawn in Module 2 and on the course home.
CHIME_SESSION, CHIME_EXERCISE = "m2s1", "chime-wheel"
#: Where each module's group agreement is made: the session, and the exercise whose
#: shared answers the facilitator draws on (peerkit/hub/agreement_page.py).
AGREEMENT_EXERCISES = {"m1s1": "group-agreement", "m2s1": "core-behaviours"}
#: Answers kept by pages rather than by an exercise call in a session notebook.
PAGE_ANSWERS = frozenset({(PROFILE_SESSION, NAME_EXERCISE), (CHIME_SESSION, CHIME_EXERCISE)})


def known_answers(course: Course, root: Path | None = None) -> frozenset[tuple[str, str]]:
    """Each (session, exercise) an answer can be stored under."""
    pairs = set(PAGE_ANSWERS)
    for info in course.sessions:
        path = info.notebook_path(root)
        if not info.planned and path.is_file():
            pairs.update((info.id, exercise) for exercise in scan(path).ids)
    return frozenset(pairs)


def known_boards(course: Course, root: Path | None = None) -> frozenset[tuple[str, str]]:
    """Each (session, exercise) whose page offers a group board (``group_board=True``)."""
    pairs: set[tuple[str, str]] = set()
    for info in course.sessions:
        path = info.notebook_path(root)
        if not info.planned and path.is_file():
            pairs.update(
                (info.id, ref.id) for ref in scan(path).exercises if ref.options.get("group_board")
            )
    return frozenset(pairs)
