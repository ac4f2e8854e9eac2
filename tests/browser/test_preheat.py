"""A pre-heated page shows the answers as they are when the learner opens it."""

from __future__ import annotations

import re
import threading
import time
import uuid

from playwright.sync_api import expect

from peerkit import paths
from peerkit.course.answer_ids import NAME_EXERCISE, PROFILE_SESSION
from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from peerkit.store.answer_store import AnswerStore

from .learner import open_session

SESSION = "m1s9"
HOME, MY_DATA = paths.HOME_NOTEBOOK, paths.MY_DATA_NOTEBOOK
EXERCISE = "hope-message"


def _log_count(server, text: str) -> int:
    return server.log.read_text(encoding="utf-8", errors="replace").count(text)


def _wait_for_idle_preheated_kernel(server, session_id: str, notebook: str) -> None:
    """Until the server log shows a kernel for this page that has run the notebook and
    has been neither handed to a page nor released (the server's state, polled; not a
    browser wait). The server is shared: earlier tests may have pre-heated this page's
    kernel and then released it when the learner moved on, so its ready line alone
    says nothing about now."""
    ready = f"[peerkit] {session_id} is pre-heated"
    released = f"[peerkit] {session_id} is no longer kept pre-heated"
    used = "Using pre-heated kernel: "
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        log = server.log.read_text(encoding="utf-8", errors="replace")
        handed = sum(1 for line in log.splitlines() if used in line and notebook in line)
        if log.count(ready) - log.count(released) - handed > 0:
            return
        threading.Event().wait(0.25)
    raise AssertionError(f"no pre-heated kernel became ready for {notebook}; see {server.log}")


def _wait_for_log(server, text: str, count: int) -> None:
    """Until ``text`` is in the server log ``count`` times (polled, as above)."""
    deadline = time.monotonic() + 60
    while _log_count(server, text) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not logged {count} times; see {server.log}")
        threading.Event().wait(0.25)


def test_answer_saved_after_pre_heating_is_shown(course_server, page, artifacts):
    course = load_course()
    info = course.session(SESSION)
    before = course.session("m1s8")
    elsewhere = course.session("m1s2")

    def visit(session) -> None:
        url = course_server.page_url(session.notebook)
        open_session(page, url, len(exercise_ids(session.notebook_path())))

    # The learner is on the session before: the next one is pre-heated for them.
    visit(before)
    _wait_for_idle_preheated_kernel(course_server, SESSION, info.notebook)
    # They go back to an earlier session (that kernel is let go) and return.
    released = f"[peerkit] {SESSION} is no longer kept pre-heated"
    released_before = _log_count(course_server, released)
    visit(elsewhere)
    _wait_for_log(course_server, released, released_before + 1)
    visit(before)
    _wait_for_idle_preheated_kernel(course_server, SESSION, info.notebook)
    handed_before = _log_count(course_server, f"for {info.notebook}")

    # The kernel has run the notebook; now the learner saves (from another page, say).
    text = f"Keep going: it does get easier ({uuid.uuid4().hex[:8]})"
    AnswerStore(f"sqlite:///{course_server.database}").save(
        course_server.learner, SESSION, EXERCISE, text
    )

    open_session(
        page, course_server.page_url(info.notebook), len(exercise_ids(info.notebook_path()))
    )
    page.wait_for_function(
        "text => [...document.querySelectorAll('.peerkit-exercise textarea')]"
        ".some(box => box.value === text)",
        arg=text,
    )
    page.screenshot(path=str(artifacts / "preheated-page.png"), full_page=False)
    # The page was served by the pre-heated kernel, not by one started for it.
    assert _log_count(course_server, f"for {info.notebook}") == handed_before + 1


def test_the_pre_heated_home_shows_the_name_as_it_is_now(course_server, page, artifacts):
    _wait_for_idle_preheated_kernel(course_server, "home", HOME)
    handed_before = _log_count(course_server, f"for {HOME}")
    name = f"Sam {uuid.uuid4().hex[:6]}"
    # Saved after the home's kernel ran its notebook (from another page, say).
    with AnswerStore(f"sqlite:///{course_server.database}") as store:
        store.save(course_server.learner, PROFILE_SESSION, NAME_EXERCISE, name)
    page.goto(course_server.page_url(HOME))
    page.wait_for_selector(".peerkit-home")
    box = page.get_by_role("textbox", name=re.compile("^Your name on this course"))
    expect(box).to_have_value(name)
    page.screenshot(path=str(artifacts / "preheated-home.png"), full_page=False)
    assert _log_count(course_server, f"for {HOME}") == handed_before + 1


def test_my_data_opened_from_the_home_is_pre_heated_and_works(course_server, page, artifacts):
    """On the home, My data is one of the three pages kept pre-heated
    (peerkit/serve/warm_pages.py); its page is built once asked for, and works."""
    page.goto(course_server.page_url(HOME))
    page.wait_for_selector(".peerkit-home")
    _wait_for_idle_preheated_kernel(course_server, "my-data", MY_DATA)
    handed_before = _log_count(course_server, f"for {MY_DATA}")
    page.get_by_role("link", name="My data").first.click()
    page.wait_for_selector(".peerkit-my-data .peerkit-prepare")
    assert _log_count(course_server, f"for {MY_DATA}") == handed_before + 1
    page.get_by_role("button", name="Prepare downloads").click()
    expect(page.locator(".peerkit-download-json a")).to_have_attribute(
        "href", re.compile("^data:application/json;base64,")
    )
    expect(page.get_by_text(course_server.learner).first).to_be_visible()
    page.screenshot(path=str(artifacts / "preheated-my-data.png"), full_page=False)
