"""The printable learner workbook: one module's sessions, with room to write.

Each session prints as its notebook reads for a learner (Voilà leaves out the
same cells): narrative, content notes, figures and every exercise as room to
write (:mod:`peerkit.outputs.paper`), then the course text that opens online
once answered, and the support lines. Facilitator notes are never printed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from peerkit.course.data import Course
from peerkit.outputs.markdown import markdown_html
from peerkit.outputs.paper import PaperExercise, paper_exercise
from peerkit.outputs.source import (
    Chime,
    ExercisePart,
    Figure,
    Markdown,
    ModuleSource,
    SessionSource,
)
from peerkit.pages.templating import render
from peerkit.pictures.figures import figure_html

TEMPLATE = "outputs/workbook.html.j2"
CSS_PATH = Path(__file__).with_name("templates") / "print.css"
Progress = Callable[[SessionSource], None]


@cache
def print_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


@dataclass(frozen=True)
class PrintedSession:
    """A session as the workbook prints it: (kind, item) pairs in notebook order."""

    id: str
    heading: str
    has_title: bool
    items: list[tuple[str, Any]] = field(default_factory=list)
    exercises: list[PaperExercise] = field(default_factory=list)


#: Prints one exercise of a session with the learner's answer written in (the portfolio
#: as a PDF, :mod:`peerkit.portfolio.render_pdf`).
Filling = Callable[[SessionSource, ExercisePart | Chime], PaperExercise]


def printed_session(
    source: SessionSource, root: Path, fill: Filling | None = None
) -> PrintedSession:
    """The session's learner-facing parts; ``root`` is the notebooks folder.

    ``fill``: print each exercise with the learner's answer in (else room to write).
    """
    items: list[tuple[str, Any]] = []
    exercises: list[PaperExercise] = []
    base = source.path.parent
    first_text = next(
        (p.source for p in source.parts if isinstance(p, Markdown) and not p.facilitator), ""
    )
    has_title = first_text.lstrip().startswith("# ")
    for part in source.parts:
        if isinstance(part, Markdown):
            if part.facilitator:
                continue
            kind = "content-note" if part.content_note else "text"
            items.append((kind, markdown_html(part.source, base=base)))
            if len(items) == 1 and source.info.objectives:
                items.append(("objectives", source.info.objectives))
        elif isinstance(part, Figure):
            items.append(("figure", Markup(figure_html(part.name))))  # escaped inside
        elif isinstance(part, ExercisePart | Chime):
            exercise = paper_exercise(part, root) if fill is None else fill(source, part)
            exercises.append(exercise)
            items.append(("exercise", exercise))
    return PrintedSession(source.info.id, source.info.heading, has_title, items, exercises)


def workbook_html(
    course: Course, module: ModuleSource, root: Path, progress: Progress | None = None
) -> str:
    """The module's workbook as one self-contained HTML document (print it to PDF)."""
    sessions = []
    for source in module.sessions:
        if progress:
            progress(source)
        sessions.append(printed_session(source, root))
    return render(
        TEMPLATE,
        title=f"{module.heading}: learner workbook",
        course=course,
        modules=[(module, sessions)],
        portfolio=None,
        other=[],
        css=Markup(print_css()),  # our own file; escaping would break its quotes
    )
