"""A learner works through every ready session in Chromium, reloads, finds every answer;
the page as it is then (feedback, discussions and pictures of the answers showing) passes axe."""

from __future__ import annotations

import pytest

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from peerkit.store.answer_store import AnswerStore

from .axe import missing, report, run_axe
from .learner import ALL_SAVED, UNNAMED_CONTROLS, answer_everything, open_session, read_answers

READY = [s for s in load_course().sessions if not s.planned and s.notebook_path().is_file()]


@pytest.mark.parametrize("info", READY, ids=[s.id for s in READY])
def test_session_answers_survive_a_reload(course_server, page, artifacts, info):
    course = load_course()
    url = course_server.page_url(info.notebook)
    count = len(exercise_ids(info.notebook_path()))
    open_session(page, url, count)

    html = page.content()
    assert "import peerkit" not in html, "code is visible to learners"
    assert "session.reflection(" not in html
    assert "Facilitator notes" not in html, "facilitator notes reached the learner's page"
    assert "Traceback" not in html
    assert page.locator(".jp-CodeCell .jp-InputArea-editor").count() == 0
    assert page.evaluate(UNNAMED_CONTROLS) == []
    crumbs = page.get_by_role("navigation", name="Breadcrumb").inner_text()
    module = course.module(info.module_id)
    assert "Course home" in crumbs
    assert f"Module {module.number}: {module.title}" in crumbs
    assert info.heading in crumbs
    assert "Samaritans" in page.locator("#peerkit-support").inner_text()

    typed = answer_everything(page, info.id)
    page.locator(".peerkit-exercise").first.screenshot(path=artifacts / f"{info.id}-first.png")

    with AnswerStore(f"sqlite:///{course_server.database}") as store:
        saved = store.current_answers(course_server.learner, info.id)
    assert set(exercise_ids(info.notebook_path())) <= {r.exercise for r in saved}

    page.reload()
    open_session(page, url, count)
    page.wait_for_function(ALL_SAVED)
    assert read_answers(page) == typed
    page.screenshot(path=artifacts / f"{info.id}-restored.png")
    assert not missing(), missing()
    violations = run_axe(page)  # every exercise answered: its feedback and pictures shown
    assert not violations, f"axe, {info.id} answered:\n{report(violations)}"
