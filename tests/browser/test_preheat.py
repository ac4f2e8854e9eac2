"""A pre-heated page shows the answers as they are when the learner opens it."""

from __future__ import annotations

import threading
import time
import uuid

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from peerkit.store.answer_store import AnswerStore

from .learner import open_session

SESSION = "m1s9"
EXERCISE = "hope-message"


def _log_count(server, text: str) -> int:
    return server.log.read_text(encoding="utf-8", errors="replace").count(text)


def _wait_for_idle_preheated_kernel(server, session_id: str, notebook: str) -> None:
    """Until the server log shows a kernel for this page that has run the notebook and
    not yet been handed to a page (the server's state, polled; not a browser wait)."""
    ready = f"[peerkit] {session_id} is pre-heated"
    used = "Using pre-heated kernel: "
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        log = server.log.read_text(encoding="utf-8", errors="replace")
        handed = sum(1 for line in log.splitlines() if used in line and notebook in line)
        if log.count(ready) > handed:
            return
        threading.Event().wait(0.25)
    raise AssertionError(f"no pre-heated kernel became ready for {notebook}; see {server.log}")


def test_answer_saved_after_pre_heating_is_shown(course_server, page, artifacts):
    info = load_course().session(SESSION)
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
