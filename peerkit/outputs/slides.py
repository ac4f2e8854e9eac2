"""Slides for a session: one self-contained HTML deck (no CDN, no server, no kernel).

Slide breaks come from the notebook's Jupyter slideshow metadata when any cell
has it (``slide`` and ``subslide`` start a slide, ``-`` and ``fragment`` add to
it, ``skip`` leaves a cell out, ``notes`` makes speaker notes), else from its
headings: each ``#`` or ``##`` heading starts a slide showing its key points
(list items and tables, else the first sentence). Exercises show their prompt
and the parts they ask about; figures and the sky and mountains are drawn.
Facilitator cells are always speaker notes. The answer store is never read.

Not nbconvert's reveal.js exporter, nor Voilà's reveal template: the first
loads reveal.js from a CDN, and the second runs the notebook, whose exercise
widgets would show the presenter's own answers on screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markupsafe import Markup

from peerkit.course.data import Course, SessionInfo
from peerkit.outputs.guide import note_body
from peerkit.outputs.markdown import markdown_html
from peerkit.outputs.paper import paper_exercise
from peerkit.outputs.source import Chime, ExercisePart, Figure, Markdown, Part, SessionSource
from peerkit.pages.templating import render
from peerkit.pictures.figures import figure_caption, figure_html

TEMPLATE = "outputs/slides.html.j2"
ASSETS = Path(__file__).with_name("templates")
NEW_SLIDE = frozenset({"slide", "subslide"})
SLIDE_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*#*\s*$")
SUB_HEADING = re.compile(r"^#{3,6}\s+(.+?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.+)$")
SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)")
MAX_POINTS, MAX_POINT_CHARS, MAX_LABELS = 7, 160, 8


@dataclass
class Slide:
    heading: str
    body: list[Markup] = field(default_factory=list)
    notes: list[Markup] = field(default_factory=list)
    kind: str = "content"


def slides_name(course: Course, info: SessionInfo) -> str:
    """``module-1-01-introduction.html``: sorts in course order, says what it is."""
    module = next(m.number for m in course.modules if m.id == info.module_id)
    slug = "-".join(re.findall(r"[a-z0-9]+", info.title.lower()))[:48].rstrip("-")
    return f"module-{module}-{info.number:02d}-{slug}.html"


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    found = SENTENCE.match(text)
    text = found.group(1) if found else text
    return text if len(text) <= MAX_POINT_CHARS else text[: MAX_POINT_CHARS - 1] + "…"


def key_points(lines: list[str], base: Path) -> list[Markup]:
    """A section's list items (first sentences), sub-headings and tables; else its first
    sentence."""
    points: list[str] = []
    tables: list[Markup] = []
    table: list[str] = []
    for line in [*lines, ""]:
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            tables.append(markdown_html("\n".join(table), shift=2, base=base))
            table = []
        if found := SUB_HEADING.match(line):
            points.append(f"**{found.group(1)}**")
        elif found := LIST_ITEM.match(line.strip()) if not line.startswith("  ") else None:
            points.append(first_sentence(found.group(1)))
    if not points and not tables:
        paragraph = next((line for line in lines if line.strip()), "")
        return [markdown_html(first_sentence(paragraph))] if paragraph else []
    body = [markdown_html("\n".join(f"- {p}" for p in points[:MAX_POINTS]))] if points else []
    return body + tables


def _markdown_slides(part: Markdown, slides: list[Slide], base: Path) -> None:
    """Heading mode: each ``#``/``##`` heading starts a slide of the section's key points."""
    sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
    for line in part.source.splitlines():
        if found := SLIDE_HEADING.match(line):
            sections.append((len(found.group(1)), found.group(2), []))
        else:
            sections[-1][2].append(line)
    for level, heading, lines in sections:
        if level == 0 or (level == 1 and len(slides) == 1):
            # Text before any heading, or the notebook's own title: on the slide shown.
            if any(line.strip() for line in lines):
                slides[-1].body += key_points(lines, base)
            continue
        slides.append(Slide(heading, key_points(lines, base)))


def _part_slide(part: Part, source: SessionSource, root: Path, whole: bool) -> Slide:
    """The slide an exercise, figure or (``whole``: in metadata mode) Markdown cell makes."""
    base = source.path.parent
    if isinstance(part, Figure):
        caption = figure_caption(part.name)
        return Slide(caption, [Markup(figure_html(part.name))], kind="figure")  # escaped inside
    if isinstance(part, ExercisePart | Chime):
        exercise = paper_exercise(part, root)
        labels = list(exercise.labels.values()) or [
            str(b["label"]) for b in exercise.blocks if b.get("label") and b["type"] != "list"
        ]
        labels = [Markup(label).striptags() for label in labels if label != exercise.title]
        body = [b["html"] for b in exercise.blocks if b["type"] == "picture"]
        if labels:
            items = Markup("").join(Markup("<li>{}</li>").format(x) for x in labels[:MAX_LABELS])
            body.append(Markup("<ul>") + items + Markup("</ul>"))
        return Slide(exercise.title, body, kind="exercise")
    assert isinstance(part, Markdown)
    heading = next(
        (m.group(2) for m in map(SLIDE_HEADING.match, part.source.splitlines()) if m), ""
    )
    kind = "content-note" if part.content_note else "content"
    return Slide(
        heading, [markdown_html(part.source, shift=1, base=base)] if whole else [], kind=kind
    )


def session_slides(source: SessionSource, root: Path) -> list[Slide]:
    """The session's slides, the title slide first."""
    info = source.info
    objectives = Markup("").join(Markup("<li>{}</li>").format(o) for o in info.objectives)
    title = Slide(info.heading, kind="title")
    if objectives:
        title.body.append(
            Markup("<p>In this session you will</p><ul>") + objectives + Markup("</ul>")
        )
    slides = [title]
    by_metadata = any(p.slide_type is not None for p in source.parts)
    base = source.path.parent
    for part in source.parts:
        if isinstance(part, Markdown) and part.facilitator:
            slides[-1].notes.append(markdown_html(note_body(part.source), shift=2, base=base))
        elif by_metadata:
            kind = part.slide_type or "-"
            if kind == "skip":
                continue
            if kind == "notes" and isinstance(part, Markdown):
                slides[-1].notes.append(markdown_html(part.source, shift=2, base=base))
                continue
            slide = _part_slide(part, source, root, whole=True)
            if kind in NEW_SLIDE:
                slides.append(slide)
            else:
                slides[-1].body += slide.body if slide.body else []
        elif isinstance(part, Markdown) and not part.content_note:
            _markdown_slides(part, slides, base)
        else:
            slides.append(_part_slide(part, source, root, whole=True))
    return slides


@cache
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def slides_html(course: Course, source: SessionSource, root: Path | None = None) -> str:
    """The session's deck: one HTML file with its styles and script inline."""
    root = root or source.path.parent.parent
    return render(
        TEMPLATE,
        title=f"{source.info.heading}: slides",
        course=course,
        session=source.info,
        slides=session_slides(source, root),
        css=Markup(_asset("slides.css")),  # our own files, not escaped
        script=Markup(_asset("slides.js")),
    )
