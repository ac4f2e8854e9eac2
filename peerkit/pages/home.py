"""The course home: greeting, continue link, every session with progress, the CHIME wheel."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from peerkit.course.data import Course, load_course
from peerkit.course.progress import SessionProgress, course_progress, module_totals, next_session
from peerkit.identity import current_learner
from peerkit.pages.furniture import course_css, privacy_html

PROFILE_SESSION, NAME_EXERCISE = "profile", "display-name"
MY_DATA_PAGE = "my-data.ipynb"


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "not started"
    local = moment.astimezone()
    return f"last worked on {local.day} {local:%b %Y}"


def _bar(done: int, total: int, label: str) -> str:
    return (
        f'<progress max="{max(total, 1)}" value="{done}" aria-label="{escape(label)}"></progress>'
    )


def continue_html(course: Course, progress: dict[str, SessionProgress]) -> str:
    """'Continue where you left off' with a link, or a word of congratulation."""
    info = next_session(course, progress)
    if info is None:
        return (
            '<p class="peerkit-continue">You have answered every exercise in the sessions '
            "that are ready. Well done.</p>"
        )
    state = progress[info.id]
    verb = "Continue where you left off" if state.last_worked else "Start here"
    module = course.module(info.module_id)
    return (
        f'<p class="peerkit-continue"><span>{verb}:</span> '
        f'<a class="peerkit-continue-link" href="{escape(info.notebook)}">'
        f"Module {module.number}, {escape(info.heading)}</a></p>"
    )


def home_html(course: Course, progress: dict[str, SessionProgress]) -> str:
    """Both modules with every session, its progress and when it was last worked on."""
    parts = ['<div class="peerkit-home">']
    for module in course.modules:
        done, total = module_totals(module, progress)
        parts.append(
            f'<section class="peerkit-module" aria-labelledby="{escape(module.id)}-h">'
            f'<h2 id="{escape(module.id)}-h">Module {module.number}: {escape(module.title)}</h2>'
        )
        if module.subtitle:
            parts.append(f"<p>{escape(module.subtitle)}</p>")
        if total:
            label = f"Module {module.number}: {done} of {total} exercises answered"
            parts.append(
                f'<div class="peerkit-module-progress"><span>{escape(label)}</span>'
                f"{_bar(done, total, label)}</div>"
            )
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
                f'<span class="peerkit-progress-text">{label}'
                f' · <span class="peerkit-last-worked">{_when(state.last_worked)}</span></span>'
                f"{_bar(state.answered, state.total, f'{info.title}: {label}')}</li>"
            )
        parts.append("</ol></section>")
    parts.append(
        '<section class="peerkit-my-data-link"><h2>Your answers, your data</h2>'
        f"{privacy_html(course)}"
        f'<p><a class="peerkit-portfolio-link" href="{MY_DATA_PAGE}">Download my portfolio</a>'
        f' · <a href="{MY_DATA_PAGE}#erase">My data: what is stored, and erasing it</a></p>'
        "</section>"
    )
    parts.append("</div>")
    return "".join(parts)


def course_home(root: Path | None = None) -> Any:
    """The course home for ``notebooks/index.ipynb``.

    In Voilà links live in HTML widgets, which navigate like plain links (the
    notebook output renderer would open them in new tabs). In JupyterLab they are
    HTML outputs, whose relative links open notebooks for the facilitator.
    """
    import ipywidgets as widgets
    from IPython.display import HTML, display

    from peerkit.exercises.base import AnswerSlot
    from peerkit.exercises.chime_wheel import CHIME_EXERCISE, CHIME_SESSION, ChimeWheel
    from peerkit.exercises.short_text import ShortText
    from peerkit.kernel import in_voila, shared_store

    course = load_course()
    store = shared_store()
    learner = current_learner()
    progress = course_progress(course, store, learner, root)

    def show_html(html: str) -> None:
        display(widgets.HTML(html) if in_voila() else HTML(html))

    if not in_voila():
        display(HTML(f"<style>{course_css()}</style>"))
    name = ShortText(
        AnswerSlot(store, learner, PROFILE_SESSION, NAME_EXERCISE),
        "Your name on this course (as you would like to be greeted)",
    )
    display(name)
    show_html(continue_html(course, progress))
    show_html(home_html(course, progress))
    show_html(
        '<h2 id="chime-wheel">Your CHIME wheel</h2><p>Rate the five CHIME processes any time. '
        "Each reading is kept with its date and drawn on the same wheel, so you can see "
        "change over time. Only you can see it.</p>"
    )
    display(ChimeWheel(AnswerSlot(store, learner, CHIME_SESSION, CHIME_EXERCISE), "My CHIME wheel"))
