"""The facilitator guide: each session's plan and timings, notes, prompts and materials.

Everything comes from the session's notebook and course data: the aim and
objectives (``course.yaml``), the content notes learners read, and every
Markdown cell tagged ``facilitator``, in full and in the order the session runs,
each under the activity it follows. Three summaries are read from those notes:
the timings ("about 20 minutes"), the discussion prompts ("Discussion prompts:
…", "Prompts: …") and the materials they mention (a flipchart, copies, a screen).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from peerkit.course.data import Course
from peerkit.exercises import exercise_types
from peerkit.outputs.markdown import markdown_html
from peerkit.outputs.source import (
    Chime,
    ExercisePart,
    Figure,
    Markdown,
    ModuleSource,
    SessionSource,
)
from peerkit.outputs.workbook import print_css
from peerkit.pages.templating import render
from peerkit.pictures.figures import FIGURES, figure_caption

TEMPLATE = "outputs/guide.html.j2"
NOTE_LABEL = re.compile(r"^\s*\**\s*Facilitator notes?\s*:?\s*\**\s*:?\s*\n", re.I)
PLAN = re.compile(r"session plan", re.I)
TIMING = re.compile(r"\b(?:about|allow)\s+(\d+(?:\s*(?:–|-|to)\s*\d+)?\s+minutes)", re.I)
PROMPTS = re.compile(r"\b(?:discussion prompts?|prompts?)\s*(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.+)", re.I)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
#: The sections the step by step follows: the notebook's ``##`` headings.
SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.M)
PREPARE = re.compile(r"[^.\n]*\b(?:before the session|bring)\b[^.\n]*\.?", re.I)
#: What a note mentioning the pattern needs in the room.
MATERIALS = (
    (re.compile(r"flipchart", re.I), "Flipchart paper and marker pens"),
    (re.compile(r"shared screen|on screen|on the wall", re.I), "A screen or wall to show things"),
    (re.compile(r"sticky notes?|post-it", re.I), "Sticky notes"),
    (re.compile(r"\bcopies of\b", re.I), "Copies of the documents the notes name"),
    (re.compile(r"quiet space|quiet room", re.I), "A quiet space for anyone who needs a break"),
)
Progress = Callable[[SessionSource], None]


@dataclass(frozen=True)
class Note:
    """A facilitator note, with the activity it follows."""

    after: str
    body: Markup
    timing: str = ""


@dataclass(frozen=True)
class GuideSession:
    id: str
    heading: str
    aim: str
    objectives: tuple[str, ...]
    content_notes: list[Markup] = field(default_factory=list)
    plan: list[Markup] = field(default_factory=list)
    steps: list[tuple[str, Any]] = field(default_factory=list)
    timings: list[tuple[str, str]] = field(default_factory=list)
    prompts: list[tuple[str, Markup]] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    preparation: list[Markup] = field(default_factory=list)


def note_body(source: str) -> str:
    """The note without its "Facilitator notes" label."""
    return NOTE_LABEL.sub("", source.lstrip(), count=1)


def _inline(text: str) -> Markup:
    """One line of a note as inline HTML (its paragraph element removed)."""
    html = str(markdown_html(text.strip(" -*"), shift=3))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # made safe by markdown_html


def short(text: str, limit: int = 70) -> str:
    """The text cut at a word before ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)].rstrip(",;:") + "…"


def guide_session(source: SessionSource, module_number: int) -> GuideSession:
    """One session's part of the guide."""
    info = source.info
    session = GuideSession(info.id, info.heading, info.aim, info.objectives)
    base = source.path.parent
    activity = "Opening"
    notes_text: list[str] = []
    for part in source.parts:
        if isinstance(part, Markdown) and not part.facilitator:
            headings = HEADING.findall(part.source)
            if part.content_note:
                session.content_notes.append(markdown_html(part.source, shift=1, base=base))
            for heading in SECTION.findall(part.source):
                if session.steps and session.steps[-1][0] == "sections":
                    session.steps[-1][1].append(heading)  # one line for sections in a row
                else:
                    session.steps.append(("sections", [heading]))
            if headings:
                activity = headings[-1]
        elif isinstance(part, Markdown):
            body = note_body(part.source)
            notes_text.append(body)
            if not session.plan and PLAN.search(body[:200]):
                session.plan.append(markdown_html(body, shift=3, base=base))
                continue
            timing = TIMING.search(body)
            note = Note(
                activity, markdown_html(body, shift=3, base=base), timing.group(1) if timing else ""
            )
            session.steps.append(("note", note))
            if note.timing:
                session.timings.append((activity, note.timing))
            for line in body.splitlines():
                if found := PROMPTS.search(line):
                    session.prompts.append((activity, _inline(found.group(1))))
        elif isinstance(part, ExercisePart | Chime):
            title = _exercise_title(part)
            activity = f"Exercise: {short(title)}"
            session.steps.append(("exercise", title))
        elif isinstance(part, Figure):
            session.steps.append(("figure", figure_caption(part.name)))
    _materials(session, source, module_number, "\n".join(notes_text))
    return session


def _exercise_title(part: ExercisePart | Chime) -> str:
    if isinstance(part, Chime):
        return part.prompt
    return part.ref.prompt or exercise_types()[part.ref.method].default_prompt


def _materials(session: GuideSession, source: SessionSource, module: int, notes: str) -> None:
    session.materials.append(
        f"The learner workbook for Module {module}, or the course on a device for each learner"
    )
    session.materials.append(
        f"The slides for this session (peerkit build slides --session {source.info.id})"
    )
    for part in source.parts:
        if isinstance(part, Figure) and part.name in FIGURES:
            session.materials.append(f"The figure: {figure_caption(part.name)}")
    for pattern, item in MATERIALS:
        if pattern.search(notes) and item not in session.materials:
            session.materials.append(item)
    session.materials.append("The support lines, to share (in the workbook and on every page)")
    for sentence in PREPARE.findall(notes):
        words = sentence.strip(" -*").lower()
        if "before the session" in words or words.startswith("bring"):
            session.preparation.append(_inline(sentence))


def guide_html(
    course: Course, module: ModuleSource, root: Path, progress: Progress | None = None
) -> str:
    """The module's facilitator guide as one self-contained HTML document."""
    sessions = []
    for source in module.sessions:
        if progress:
            progress(source)
        sessions.append(guide_session(source, module.info.number))
    return render(
        TEMPLATE,
        title=f"{module.heading}: facilitator guide",
        course=course,
        module=module,
        sessions=sessions,
        css=Markup(print_css()),  # our own file; escaping would break its quotes
    )
