"""The portfolio as one self-contained, print-ready HTML page. Every text is escaped.

The page is ``templates/portfolio.html.j2`` (autoescaped; see
:mod:`peerkit.pages.templating`) with ``templates/portfolio.css`` inline. The
pictures are SVG drawn by :mod:`peerkit.pictures`, which escapes the learner's
text inside them; they are marked as trusted :class:`~markupsafe.Markup` here,
where they are made, and nowhere else.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import Markup

from peerkit.pages.templating import render
from peerkit.pictures.chime_wheel import chime_table_html, chime_wheel_svg
from peerkit.pictures.sky_and_mountains import sky_and_mountains_svg
from peerkit.portfolio.collect import ExerciseEntry, Portfolio, SessionEntry
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

TEMPLATE = "portfolio/portfolio.html.j2"
CSS_PATH = Path(__file__).with_name("templates") / "portfolio.css"
_UID_UNSAFE = re.compile(r"[^a-z0-9-]")


@cache
def portfolio_css() -> str:
    """The portfolio's stylesheet (screen and print)."""
    return CSS_PATH.read_text(encoding="utf-8")


def render_html(portfolio: Portfolio) -> bytes:
    """A complete HTML document (UTF-8): styles inline, pictures as inline SVG."""
    sections: list[tuple[str, list[SessionEntry], str]] = [
        (m.heading, m.answered, "") for m in portfolio.modules if m.answered
    ]
    if portfolio.other_answered:
        sections.append((OTHER_ANSWERS, portfolio.other_answered, OTHER_INTRO))
    html = render(
        TEMPLATE,
        portfolio=portfolio,
        sections=sections,
        title=f"{DOCUMENT_TITLE}: {portfolio.course_title}",
        document_title=DOCUMENT_TITLE,
        css=Markup(portfolio_css()),  # our own file; escaping would break its quotes
        sky_svg=_sky_svg,
        chime_svg=_chime_svg,
        chime_table=_chime_table,
        one_line=one_line,
        printable=printable,
        paragraphs=paragraphs,
        date_and_time=date_and_time,
        saved_note=saved_note,
    )
    return html.encode("utf-8", "replace")


def _uid(exercise: ExerciseEntry) -> str:
    """An id prefix for the exercise's pictures, unique in the document."""
    return _UID_UNSAFE.sub("-", f"p-{exercise.session_id}-{exercise.id}".lower())


def _sky_svg(exercise: ExerciseEntry) -> Markup:
    sky, mountains = exercise.sky or ((), ())
    svg = sky_and_mountains_svg(
        [printable(i) for i in sky], [printable(i) for i in mountains], uid=_uid(exercise)
    )
    return Markup(svg)  # sky_and_mountains_svg escapes every idea


def _chime_svg(exercise: ExerciseEntry) -> Markup:
    return Markup(chime_wheel_svg(exercise.readings, uid=_uid(exercise)))  # escapes inside


def _chime_table(exercise: ExerciseEntry) -> Markup:
    return Markup(chime_table_html(exercise.readings))  # escapes inside
