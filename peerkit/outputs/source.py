"""A session notebook read without running it: its cells as the parts the outputs print.

Markdown cells are narrative, or facilitator notes when tagged ``facilitator``,
or a content note when tagged ``content-note`` or headed "Content note" / "A
note before you begin". Code cells give exercises (the calls
:func:`peerkit.course.notebooks.exercises` finds), course figures
(``session.figure("drama-triangle")``) and the CHIME wheel. Each part keeps the
cell's Jupyter slideshow type (``metadata.slideshow.slide_type``) when it has one.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerkit.course.data import Course, ModuleInfo, SessionInfo
from peerkit.course.notebooks import ExerciseRef, exercises, read_notebook
from peerkit.errors import CourseDataError

FACILITATOR_TAG = "facilitator"
CONTENT_NOTE_TAG = "content-note"
CONTENT_NOTE_HEADING = re.compile(r"^#+\s*(content note|a note before you (begin|start))\b", re.I)
CHIME_PROMPT = "Rate the five CHIME processes for you today."


@dataclass(frozen=True)
class Markdown:
    """A Markdown cell: narrative for learners, or a facilitator note."""

    source: str
    facilitator: bool = False
    content_note: bool = False
    slide_type: str | None = None


@dataclass(frozen=True)
class ExercisePart:
    """An exercise call: its reference, as found in the notebook."""

    ref: ExerciseRef
    slide_type: str | None = None


@dataclass(frozen=True)
class Figure:
    """A course diagram by name (``peerkit.pictures.figures.FIGURES``)."""

    name: str
    slide_type: str | None = None


@dataclass(frozen=True)
class Chime:
    """The CHIME self-rating, with its prompt."""

    prompt: str = CHIME_PROMPT
    slide_type: str | None = None


Part = Markdown | ExercisePart | Figure | Chime


@dataclass(frozen=True)
class SessionSource:
    """One session's course data and its notebook's parts, in order."""

    info: SessionInfo
    path: Path
    parts: tuple[Part, ...] = ()

    @property
    def facilitator_notes(self) -> list[Markdown]:
        return [p for p in self.parts if isinstance(p, Markdown) and p.facilitator]

    @property
    def content_notes(self) -> list[Markdown]:
        return [p for p in self.parts if isinstance(p, Markdown) and p.content_note]

    @property
    def exercises(self) -> list[ExercisePart]:
        return [p for p in self.parts if isinstance(p, ExercisePart)]


@dataclass(frozen=True)
class ModuleSource:
    info: ModuleInfo
    sessions: tuple[SessionSource, ...] = field(default_factory=tuple)

    @property
    def heading(self) -> str:
        return f"Module {self.info.number}: {self.info.title}"


def slide_type(cell: dict[str, Any]) -> str | None:
    """The cell's ``metadata.slideshow.slide_type``, if it has one."""
    slideshow = cell.get("metadata", {}).get("slideshow")
    if isinstance(slideshow, dict) and "slide_type" in slideshow:
        return str(slideshow["slide_type"])
    return None


def is_content_note(cell: dict[str, Any]) -> bool:
    source = "".join(cell.get("source", "")).lstrip()
    return CONTENT_NOTE_TAG in cell.get("metadata", {}).get("tags", []) or bool(
        CONTENT_NOTE_HEADING.match(source)
    )


def read_session(info: SessionInfo, root: Path) -> SessionSource:
    """The session's notebook under ``root`` (the notebooks folder) as parts."""
    path = info.notebook_path(root)
    try:
        nb = read_notebook(path)
    except (OSError, ValueError) as exc:
        raise CourseDataError(f"Cannot read {path} ({exc})") from None
    refs: dict[int, list[ExerciseRef]] = {}
    for ref in exercises(nb):
        refs.setdefault(ref.cell, []).append(ref)
    parts: list[Part] = []
    for index, cell in enumerate(nb.get("cells", [])):
        kind = slide_type(cell)
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            tags = cell.get("metadata", {}).get("tags", [])
            facilitator = FACILITATOR_TAG in tags
            note = not facilitator and is_content_note(cell)
            parts.append(Markdown(source, facilitator, note, kind))
        elif cell.get("cell_type") == "code":
            parts += [ExercisePart(ref, kind) for ref in refs.get(index, [])]
            parts += _other_calls(source, kind)
    return SessionSource(info, path, tuple(parts))


def _other_calls(source: str, kind: str | None) -> list[Part]:
    """Figures and the CHIME wheel shown by a code cell, in the order they are called."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[tuple[int, int, Part]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        where = (node.lineno, node.col_offset)
        if node.func.attr == "figure" and args and isinstance(args[0], str):
            found.append((*where, Figure(args[0], kind)))
        elif node.func.attr == "chime_wheel":
            prompt = args[0] if args and isinstance(args[0], str) else CHIME_PROMPT
            found.append((*where, Chime(prompt, kind)))
    return [part for *_where, part in sorted(found, key=lambda f: (f[0], f[1]))]


def read_module(course: Course, number: int, root: Path) -> ModuleSource:
    """Module ``number``'s sessions that have notebooks (planned ones are left out)."""
    for module in course.modules:
        if module.number == number:
            sessions = tuple(read_session(s, root) for s in module.sessions if not s.planned)
            return ModuleSource(module, sessions)
    known = ", ".join(str(m.number) for m in course.modules)
    raise CourseDataError(f"No module {number} in the course data (modules: {known}).")
