"""The portfolio as a PDF: the learner workbook with the learner's own answers written in.

Each module the learner has started prints as its workbook does
(:mod:`peerkit.outputs.workbook`), with every answer where its room to write
would be, the option chosen circled, the sky and mountains drawn with the
learner's ideas, and under each exercise when it was saved, who may see it,
submissions with the facilitator's feedback and the ideas added to the group's
board. Answers kept outside the sessions follow, so that nothing is left out.

The page (with the answers) is written only to a private temporary folder, and
removed with it, by :func:`peerkit.outputs.pdf.print_pdf`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from markupsafe import Markup

from peerkit import paths
from peerkit.course.answer_ids import CHIME_EXERCISE, CHIME_SESSION
from peerkit.course.data import Course
from peerkit.outputs.paper import PaperExercise, paper_exercise
from peerkit.outputs.pdf import print_pdf
from peerkit.outputs.source import Chime, ExercisePart, SessionSource, read_module
from peerkit.outputs.workbook import TEMPLATE, print_css, printed_session
from peerkit.pages.templating import render
from peerkit.portfolio.collect import ExerciseEntry, Portfolio
from peerkit.portfolio.text import (
    DOCUMENT_TITLE,
    OTHER_ANSWERS,
    OTHER_INTRO,
    date_and_time,
    printable,
    saved_note,
)

IDEAS_HEADING = "Ideas you added to your group's board"


def render_pdf(portfolio: Portfolio, course: Course, root: Path | None = None) -> bytes:
    """An A4 PDF of the workbook with the answers in; PrintError when Chromium fails."""
    return print_pdf(portfolio_workbook_html(portfolio, course, root), name="portfolio.html")


def portfolio_workbook_html(portfolio: Portfolio, course: Course, root: Path | None) -> str:
    """The workbook of each module the learner has started, answers written in (HTML)."""
    root = root or paths.notebooks_dir()
    entries = {(e.session_id, e.id): e for _module, _session, e in portfolio.entries()}

    def fill(source: SessionSource, part: ExercisePart | Chime) -> PaperExercise:
        if isinstance(part, Chime):
            entry = entries.get((CHIME_SESSION, CHIME_EXERCISE))
        else:
            entry = entries.get((source.info.id, part.ref.id))
        current = entry.current if entry is not None else None
        printed = paper_exercise(part, root, current.value if current else None, filled=True)
        return _with_record(printed, entry) if entry is not None else printed

    started = {m.id for m in portfolio.modules if m.answered}
    modules = []
    for info in course.modules:
        if info.id in started:
            module = read_module(course, info.number, root)
            modules.append((module, [printed_session(s, root, fill) for s in module.sessions]))
    answered = sum(1 for *_where, e in portfolio.entries() if e.answered)
    return render(
        TEMPLATE,
        title=f"{DOCUMENT_TITLE}: {portfolio.course_title}",
        document_title=DOCUMENT_TITLE,
        course=course,
        portfolio=portfolio,
        exported=date_and_time(portfolio.exported_at),
        coverage=_coverage(answered, len(modules), len(course.modules)),
        modules=modules,
        other=portfolio.other_answered,
        other_heading=OTHER_ANSWERS,
        other_intro=OTHER_INTRO,
        css=Markup(print_css()),  # our own file; escaping would break its quotes
    )


def _coverage(answered: int, started: int, modules: int) -> str:
    """What the document holds, in a sentence or two."""
    if not answered:
        return (
            "You have not written any answers yet. To write by hand, print a workbook "
            "with `peerkit build workbook`."
        )
    held = f"It holds your {answered} answer{'s' if answered != 1 else ''}, each where you gave it."
    left = modules - started
    if not left:
        return held
    return f"{held} Modules you have not started ({left}) are left out."


def _with_record(printed: PaperExercise, entry: ExerciseEntry) -> PaperExercise:
    """The printed exercise with what became of the answer: saved, shared, feedback, ideas."""
    notes = []
    if entry.current is not None and entry.answered:
        notes.append(saved_note(entry.current.saved_at, len(entry.revisions)))
    notes += [note for note in (entry.shared_with, entry.submitted_note) if note]
    replies = [(who, printable(text)) for who, text in entry.feedback]
    if entry.ideas:
        ideas = "\n".join(f"{printable(idea)} ({fate})" for idea, fate in entry.idea_lines)
        replies.append((IDEAS_HEADING, ideas))
    return replace(printed, notes=notes, replies=replies)
