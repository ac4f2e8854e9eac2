"""The course home: both modules, each session linked, with the learner's progress."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from .course import Course, load_course
from .identity import current_learner
from .page import course_css, privacy_html
from .progress import SessionProgress, course_progress


def home_html(course: Course, progress: dict[str, SessionProgress], base_url: str = "") -> str:
    """The course home as HTML. Every piece of text is escaped.

    Session links are ``base_url`` joined with the notebook path.
    """
    parts = ['<div class="peerkit-home">']
    for module in course.modules:
        parts.append(
            f'<section class="peerkit-module" aria-labelledby="{escape(module.id)}-h">'
            f'<h2 id="{escape(module.id)}-h">Module {module.number}: {escape(module.title)}</h2>'
        )
        if module.subtitle:
            parts.append(f"<p>{escape(module.subtitle)}</p>")
        parts.append('<ol class="peerkit-sessions">')
        for info in module.sessions:
            state = progress[info.id]
            title = escape(info.heading)
            if not state.available:
                parts.append(
                    f'<li class="peerkit-session peerkit-soon" data-session="{escape(info.id)}">'
                    f'<span>{title}</span> <span class="peerkit-tag">coming soon</span></li>'
                )
                continue
            label = f"{state.answered} of {state.total} exercises answered"
            parts.append(
                f'<li class="peerkit-session" data-session="{escape(info.id)}">'
                f'<a href="{escape(info.notebook)}">{title}</a>'
                f'<span class="peerkit-progress-text">{label}</span>'
                f'<progress max="{max(state.total, 1)}" value="{state.answered}" '
                f'aria-label="{escape(info.title)}: {label}"></progress></li>'
            )
        parts.append("</ol></section>")
    parts.append(privacy_html(course))
    parts.append("</div>")
    return "".join(parts)


def course_home(root: Path | None = None) -> Any:
    """Display object for ``notebooks/index.ipynb``.

    In Voilà an HTML widget, whose links navigate the page as plain links do (the
    notebook output renderer would open them in new tabs). In JupyterLab an HTML
    output, whose relative links open each session notebook for the facilitator.
    """
    from .session import in_voila, shared_store

    course = load_course()
    progress = course_progress(course, shared_store(), current_learner(), root)
    html = home_html(course, progress)
    if in_voila():
        import ipywidgets as widgets

        return widgets.HTML(html)
    from IPython.display import HTML

    return HTML(f"<style>{course_css()}</style>{html}")
