"""Page furniture shared by Voilà and JupyterLab: styling, privacy note, session objectives."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.course.data import Course, SessionInfo
from peerkit.pages.templating import macros

CSS_PARTS = ("voila", "templates", "peerkit", "static", "peerkit.css")
TEMPLATE = "pages/furniture.html.j2"


@cache
def course_css() -> str:
    """The course stylesheet, from the installed template or the checkout."""
    candidates = [
        Path(sys.prefix, "share", "jupyter", *CSS_PARTS),
        paths.template_share_dir().joinpath(*CSS_PARTS),
    ]
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


def style_html() -> str:
    """The course stylesheet in a <style> element, for JupyterLab (Voilà's template links it)."""
    from markupsafe import Markup

    # Trusted markup: our own stylesheet; escaping it would break selectors and quotes.
    return str(macros(TEMPLATE).style(Markup(course_css())))


def privacy_html(course: Course) -> str:
    """The course's privacy statement, one paragraph."""
    return str(macros(TEMPLATE).privacy(course))


def objectives_html(info: SessionInfo) -> str:
    """'In this session you will' and the session's objectives (nothing when it has none)."""
    return str(macros(TEMPLATE).objectives(info))


def lab_overview(course: Course, info: SessionInfo) -> Any:
    """What JupyterLab users see at the top of a session: styling and objectives."""
    from IPython.display import HTML

    return HTML(style_html() + objectives_html(info))
