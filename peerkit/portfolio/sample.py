"""Sample answers for every exercise in the course, for tests and the export benchmark."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from peerkit.course.data import Course
from peerkit.course.notebooks import exercises, read_notebook
from peerkit.portfolio.collect import chime_key, labels_for
from peerkit.store.answers import Answer

#: Makes the text for one place in one answer, from a name unique to that place.
TextMaker = Callable[[str], str]
CHIME_KEYS = ("connectedness", "hope", "identity", "meaning", "empowerment")


def sample_answers(
    course: Course, text: TextMaker, root: Path | None = None, *, items: int = 3
) -> Iterator[tuple[str, str, Answer]]:
    """(session, exercise, answer) for every exercise of every notebook, and a CHIME reading."""
    for info in course.sessions:
        path = info.notebook_path(root)
        if not path.is_file():
            continue
        nb = read_notebook(path)
        for ref in exercises(nb):
            name = f"{info.id}/{ref.id}"
            labels = labels_for(ref, nb, root)
            yield info.id, ref.id, _answer(ref.method, ref.options, labels, name, text, items)
    reading = {key: str(n + 3) for n, key in enumerate(CHIME_KEYS)}
    yield *chime_key(), {"readings": [{"date": "2025-03-04T10:00:00+00:00", **reading}]}


def _answer(
    method: str,
    options: dict[str, Any],
    labels: dict[str, str],
    name: str,
    text: TextMaker,
    items: int,
) -> Answer:
    if method == "reflection":
        return text(name)
    if method == "list_builder":
        return [text(f"{name}/{n}") for n in range(items)]
    if method == "sky_and_mountains":
        return {
            part: [text(f"{name}/{part}/{n}") for n in range(items)]
            for part in ("sky", "mountains")
        }
    if method == "choice":
        first = next(iter(options.get("options") or {"": ""}))
        return dict.fromkeys(labels, first)
    if method == "card_sort":
        first = next(iter(options.get("groups") or {"": ""}))
        return dict.fromkeys(labels, first)
    if method == "rating":
        return dict.fromkeys(labels, "7")
    value: dict[str, str] = {key: text(f"{name}/{key}") for key in labels}
    if method == "scenario":
        value["revealed"] = "yes"
    return value
