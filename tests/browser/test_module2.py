"""A learner works through every Module 2 session in Chromium, reloads, finds every answer."""

from __future__ import annotations

import pytest

from peerkit.course import load_course
from peerkit.notebook_scan import exercise_ids
from peerkit.store import AnswerStore

from .learner import ALL_SAVED, UNNAMED_CONTROLS, answer_everything, open_session, read_answers

MODULE2 = [s for s in load_course().module("m2").sessions]


@pytest.mark.parametrize("info", MODULE2, ids=[s.id for s in MODULE2])
def test_session_answers_survive_a_reload(course_server, page, artifacts, info):
    url = course_server.page_url(info.notebook)
    count = len(exercise_ids(info.notebook_path()))
    open_session(page, url, count)

    html = page.content()
    assert "import peerkit" not in html, "code is visible to learners"
    assert "Facilitator notes" not in html, "facilitator notes reached the learner's page"
    assert "Traceback" not in html
    assert "session.reflection(" not in html
    assert page.locator(".jp-CodeCell .jp-InputArea-editor").count() == 0
    assert page.evaluate(UNNAMED_CONTROLS) == []
    crumbs = page.get_by_role("navigation", name="Breadcrumb").inner_text()
    assert "Course home" in crumbs
    assert "Module 2: The Peer Support Relationship" in crumbs
    assert f"Session {info.number}:" in crumbs
    assert "Samaritans" in page.locator("#peerkit-support").inner_text()

    typed = answer_everything(page, info.id)
    assert typed.texts, "no text boxes found"
    page.locator(".peerkit-exercise").first.screenshot(path=artifacts / f"{info.id}-first.png")

    with AnswerStore(f"sqlite:///{course_server.database}") as store:
        saved = store.current_answers(course_server.learner, info.id)
    assert {r.exercise for r in saved} == set(exercise_ids(info.notebook_path()))

    page.reload()
    open_session(page, url, count)
    page.wait_for_function(ALL_SAVED)
    restored = read_answers(page)
    assert restored.texts == typed.texts
    assert restored.items == typed.items
    page.screenshot(path=artifacts / f"{info.id}-restored.png")
