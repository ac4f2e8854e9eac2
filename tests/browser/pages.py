"""Opening each kind of course page and waiting until it is all there (no fixed waits)."""

from __future__ import annotations

from dataclasses import dataclass

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from peerkit.serve.resources import page_title

from .learner import open_session

HOME = "index.ipynb"
MY_DATA = "my-data.ipynb"
#: Every code cell's output has been moved into its place in the narrative.
ALL_PLACED = "() => document.querySelectorAll('.peerkit-slot').length === 0"


@dataclass(frozen=True)
class CoursePage:
    """One page of the course: its notebook, its expected <title>, how to wait for it."""

    notebook: str
    title: str
    exercises: int | None = None  # a session page: how many exercises it shows

    @property
    def id(self) -> str:
        return self.notebook.removesuffix(".ipynb")


def course_pages() -> list[CoursePage]:
    """The course home, My data, then every session that has a notebook, in course order."""
    course = load_course()
    pages = [
        CoursePage(HOME, page_title(course, "Course home")),
        CoursePage(MY_DATA, page_title(course, "My data")),
    ]
    for info in course.sessions:
        if not info.planned and info.notebook_path().is_file():
            count = len(exercise_ids(info.notebook_path()))
            pages.append(CoursePage(info.notebook, page_title(course, info.heading), count))
    return pages


def open_page(page, server, course_page: CoursePage) -> None:
    """Open a page and wait until its exercises, or its own controls, are drawn."""
    url = server.page_url(course_page.notebook)
    if course_page.exercises is not None:
        open_session(page, url, course_page.exercises)
    else:
        page.goto(url)
        if course_page.notebook == HOME:
            page.wait_for_selector(".peerkit-home")
            page.wait_for_selector(".peerkit-tool")
        else:
            page.wait_for_selector(".peerkit-my-data .peerkit-prepare")
    page.wait_for_function(ALL_PLACED)


def open_my_data(page, server) -> None:
    open_page(page, server, CoursePage(MY_DATA, ""))
