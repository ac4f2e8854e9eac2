"""Stop the server, serve again: the learner's answers are still there."""

from __future__ import annotations

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids

from .learner import ALL_SAVED, answer_everything, open_session, read_answers
from .server import CourseServer


def test_answers_survive_a_server_restart(browser, tmp_path):
    info = load_course().session("m2s4")
    count = len(exercise_ids(info.notebook_path()))
    database = tmp_path / "answers.sqlite3"

    first = CourseServer(database).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_session(page, first.page_url(info.notebook), count)
        typed = answer_everything(page, "restart")
        context.close()
    finally:
        first.stop()

    second = CourseServer(database).start()
    try:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_session(page, second.page_url(info.notebook), count)
        page.wait_for_function(ALL_SAVED)
        assert read_answers(page) == typed
        svg = page.locator(".peerkit-picture").inner_html()
        for idea in typed.items:
            assert idea in svg
        context.close()
    finally:
        second.stop()
