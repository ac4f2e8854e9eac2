"""The course home: greeting, continue link, every session with progress, the CHIME wheel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.course.answer_ids import NAME_EXERCISE, PROFILE_SESSION
from peerkit.course.data import Course, ModuleInfo, SessionInfo, load_course
from peerkit.course.progress import SessionProgress, course_progress, module_totals, next_session
from peerkit.identity import current_learner
from peerkit.pages.furniture import style_html
from peerkit.pages.templating import macros

MY_DATA_PAGE = paths.MY_DATA_NOTEBOOK
TEMPLATE = "pages/home.html.j2"


@dataclass(frozen=True)
class SessionRow:
    """One session on the home page: what it is, the learner's progress, when last worked."""

    info: SessionInfo
    state: SessionProgress
    when: str


@dataclass(frozen=True)
class ModuleRow:
    """One module on the home page: exercises answered of the total, and its sessions."""

    module: ModuleInfo
    done: int
    total: int
    sessions: tuple[SessionRow, ...]


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "not started"
    local = moment.astimezone()
    return f"last worked on {local.day} {local:%b %Y}"


def continue_html(course: Course, progress: dict[str, SessionProgress]) -> str:
    """'Continue where you left off' with a link, or a word of congratulation."""
    info = next_session(course, progress)
    if info is None:
        return str(macros(TEMPLATE).continue_link(None, "", None))
    verb = "Continue where you left off" if progress[info.id].last_worked else "Start here"
    return str(macros(TEMPLATE).continue_link(info, verb, course.module(info.module_id)))


def home_html(course: Course, progress: dict[str, SessionProgress]) -> str:
    """Both modules with every session, its progress and when it was last worked on."""
    rows = [
        ModuleRow(
            module,
            *module_totals(module, progress),
            tuple(
                SessionRow(info, progress[info.id], _when(progress[info.id].last_worked))
                for info in module.sessions
            ),
        )
        for module in course.modules
    ]
    return str(macros(TEMPLATE).home(course, rows, MY_DATA_PAGE))


def boards_html(store: object) -> str:
    """In a class, links to the group's board (and a facilitator's board); else ""."""
    if not getattr(store, "sharing", False):
        return ""
    import os

    base = os.environ.get("JUPYTERHUB_BASE_URL", "/").rstrip("/") + "/services/peerkit/"
    facilitator = bool(getattr(store, "facilitator", False))
    return str(macros(TEMPLATE).boards(base + "group/", base + "board/" if facilitator else ""))


def course_home(root: Path | None = None) -> Any:
    """The course home for ``notebooks/index.ipynb``.

    In Voilà links live in HTML widgets, which navigate like plain links (the
    notebook output renderer would open them in new tabs). In JupyterLab they are
    HTML outputs, whose relative links open notebooks for the facilitator. In a
    pre-heated kernel the page is built only once a learner asks for it, so that the
    progress, the name and the CHIME readings are read then (peerkit/serve/preheat.py).
    """
    from IPython.display import display

    from peerkit.serve.preheat import build_when_asked

    def parts() -> Any:
        import ipywidgets as widgets

        return widgets.VBox([getattr(p, "view", p) for p in home_parts(root)])

    if build_when_asked(paths.HOME_NOTEBOOK, "course_home", "home", parts):
        return
    for part in home_parts(root):
        display(part)


def home_parts(root: Path | None = None) -> list[Any]:
    """What the home shows, in order: widgets in Voilà, HTML outputs elsewhere."""
    import ipywidgets as widgets
    from IPython.display import HTML

    from peerkit.course.answer_ids import CHIME_EXERCISE, CHIME_SESSION
    from peerkit.exercises.base import AnswerSlot
    from peerkit.exercises.chime_wheel import ChimeWheel
    from peerkit.exercises.short_text import ShortText
    from peerkit.kernel import in_voila, shared_store

    course = load_course()
    store = shared_store()
    learner = current_learner()
    progress = course_progress(course, store, learner, root)
    voila = in_voila()

    def html(text: str) -> Any:
        return widgets.HTML(text) if voila else HTML(text)

    parts: list[Any] = [] if voila else [HTML(style_html())]
    parts.append(
        ShortText(
            AnswerSlot(store, learner, PROFILE_SESSION, NAME_EXERCISE),
            "Your name on this course (as you would like to be greeted)",
        )
    )
    parts.append(html(continue_html(course, progress)))
    if boards := boards_html(store):
        parts.append(html(boards))
    parts.append(html(home_html(course, progress)))
    parts.append(html(str(macros(TEMPLATE).chime_intro())))
    parts.append(
        ChimeWheel(AnswerSlot(store, learner, CHIME_SESSION, CHIME_EXERCISE), "My CHIME wheel")
    )
    return parts
