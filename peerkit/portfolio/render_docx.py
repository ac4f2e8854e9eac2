"""The portfolio as a Word document (python-docx): real headings, lists and tables."""

from __future__ import annotations

import io
from typing import Any

from peerkit.pictures.chime_wheel import CHIME, score
from peerkit.portfolio.collect import ExerciseEntry, Part, Portfolio, SessionEntry
from peerkit.portfolio.text import (
    DOCUMENT_TITLE,
    OTHER_ANSWERS,
    OTHER_INTRO,
    date_and_time,
    one_line,
    paragraphs,
    printable,
    saved_note,
)

MARGIN_CM = 2.0


def render_docx(portfolio: Portfolio) -> bytes:
    """A .docx file: Title, then Heading 1 modules, Heading 2 sessions, Heading 3 exercises."""
    from docx import Document
    from docx.shared import Cm

    doc = Document()
    props = doc.core_properties
    props.title = DOCUMENT_TITLE
    props.subject = printable(portfolio.course_title)
    props.author = printable(portfolio.learner)
    props.comments = ""
    props.created = props.modified = portfolio.exported_at
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(MARGIN_CM)

    doc.add_heading(DOCUMENT_TITLE, level=0)
    doc.add_paragraph(one_line(portfolio.course_title), style="Subtitle")
    doc.add_paragraph(
        f"Learner: {one_line(portfolio.learner)} · Exported {date_and_time(portfolio.exported_at)}"
    )
    doc.add_paragraph(
        "A private record of your reflections. Keep it somewhere safe, "
        "and share it only if you choose to."
    )
    sections = [(m.heading, m.answered, "") for m in portfolio.modules if m.answered]
    if portfolio.other_answered:
        sections.append((OTHER_ANSWERS, portfolio.other_answered, OTHER_INTRO))
    if not sections:
        doc.add_paragraph("You have not written any answers yet.")
    for number, (heading, sessions, intro) in enumerate(sections):
        title = doc.add_heading(one_line(heading), level=1)
        title.paragraph_format.page_break_before = number > 0
        if intro:
            doc.add_paragraph(intro)
        for session in sessions:
            _session(doc, session)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _session(doc: Any, session: SessionEntry) -> None:
    doc.add_heading(one_line(session.heading), level=2)
    for exercise in session.answered:
        _exercise(doc, exercise)


def _exercise(doc: Any, exercise: ExerciseEntry) -> None:
    doc.add_heading(one_line(exercise.title), level=3)
    for block in paragraphs(exercise.context):
        _lines(doc.add_paragraph(style="Quote"), block)
    if exercise.readings:
        _chime_table(doc, exercise.readings)
    for part in exercise.parts:
        _part(doc, part)
    current = exercise.current
    if current is not None:
        note = doc.add_paragraph()
        run = note.add_run(saved_note(current.saved_at, len(exercise.revisions)))
        run.italic = True
    if exercise.shared_with:
        doc.add_paragraph().add_run(exercise.shared_with).italic = True
    if exercise.submitted_note:
        doc.add_paragraph().add_run(exercise.submitted_note).italic = True
    if exercise.idea_lines:
        label = doc.add_paragraph()
        label.paragraph_format.keep_with_next = True
        label.add_run("Ideas you added to your group's board").bold = True
        for idea, fate in exercise.idea_lines:
            doc.add_paragraph(f"{one_line(idea)} ({one_line(fate)})", style="List Bullet")
    for who, text in exercise.feedback:
        label = doc.add_paragraph()
        label.paragraph_format.keep_with_next = True
        label.add_run(one_line(who)).bold = True
        for block in paragraphs(text):
            _lines(doc.add_paragraph(style="Quote"), block)


def _part(doc: Any, part: Part) -> None:
    if part.label:
        label = doc.add_paragraph()
        label.paragraph_format.keep_with_next = True
        label.add_run(one_line(part.label)).bold = True
    if part.items:
        for item in part.items:
            doc.add_paragraph(one_line(item), style="List Bullet")
        return
    for block in paragraphs(part.text):
        _lines(doc.add_paragraph(), block)


def _lines(paragraph: Any, lines: list[str]) -> None:
    """The lines of one paragraph, separated by line breaks."""
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        if number < len(lines) - 1:
            run.add_break()


def _chime_table(doc: Any, readings: tuple[dict[str, str], ...]) -> None:
    caption = doc.add_paragraph("My CHIME ratings (out of 10)", style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = doc.add_table(rows=len(CHIME) + 1, cols=len(readings) + 1)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text = "Process"
    for n, reading in enumerate(readings, start=1):
        header[n].text = f"Reading {n} ({printable(reading.get('date', ''))[:10] or 'undated'})"
    for row, (key, label) in enumerate(CHIME, start=1):
        cells = table.rows[row].cells
        cells[0].text = label
        for n, reading in enumerate(readings, start=1):
            value = score(reading, key)
            cells[n].text = "–" if value is None else str(value)
