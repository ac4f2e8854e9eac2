"""Page furniture shared by Voilà and JupyterLab: styling, overview, support lines."""

from __future__ import annotations

import sys
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.course.data import Course, SessionInfo

CSS_PARTS = ("voila", "templates", "peerkit", "static", "peerkit.css")


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


def support_html(course: Course) -> str:
    items = "".join(
        f"<li><strong>{escape(line.name)}</strong>: {escape(line.contact)}"
        + (f" ({escape(line.detail)})" if line.detail else "")
        + "</li>"
        for line in course.support_lines
    )
    return (
        '<aside class="peerkit-support" aria-label="Where to get support">'
        f"<h2>Where to get support</h2><p>{escape(course.support_intro)}</p>"
        f"<ul>{items}</ul></aside>"
    )


def privacy_html(course: Course) -> str:
    return f'<p class="peerkit-privacy">{escape(course.privacy)}</p>'


def objectives_html(info: SessionInfo) -> str:
    if not info.objectives:
        return ""
    items = "".join(f"<li>{escape(o)}</li>" for o in info.objectives)
    return (
        '<section class="peerkit-objectives" aria-label="In this session">'
        f"<h2>In this session you will</h2><ul>{items}</ul></section>"
    )


def lab_overview(course: Course, info: SessionInfo) -> Any:
    """What JupyterLab users see at the top of a session: styling and objectives."""
    from IPython.display import HTML

    return HTML(f"<style>{course_css()}</style>{objectives_html(info)}")
