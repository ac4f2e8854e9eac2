"""Module 1's new exercise types, done by keyboard alone, then restored after a reload."""

from __future__ import annotations

import pytest

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids, scan
from peerkit.store.answer_store import AnswerStore

from .learner import open_session

COURSE = load_course()


def _open(course_server, page, session_id: str) -> None:
    info = COURSE.session(session_id)
    if info.planned:
        pytest.fail(f"{session_id} is still planned in course.yaml")
    open_session(
        page, course_server.page_url(info.notebook), len(exercise_ids(info.notebook_path()))
    )


def _start_blank(course_server, session_id: str, method: str, blank: object) -> None:
    """Save a blank answer over the session's first exercise of this type, so the test
    starts where a new learner would, whichever tests answered it before on this server."""
    info = COURSE.session(session_id)
    first = next(ref for ref in scan(info.notebook_path()).exercises if ref.method == method)
    with AnswerStore(f"sqlite:///{course_server.database}") as store:
        store.save(course_server.learner, session_id, first.id, blank)


def _saved(page, exercise) -> None:
    page.wait_for_function(
        "el => /^Saved /.test(el.textContent)",
        arg=exercise.locator(".peerkit-status").element_handle(),
    )


def _tab_to(page, predicate_js: str, limit: int = 15) -> None:
    """Press Tab until the focused element matches; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    pytest.fail(f"Tab never reached an element where {predicate_js}")


def test_choice_with_feedback_by_keyboard(course_server, page):
    _open(course_server, page, "m1s5")
    exercise = page.locator(".peerkit-choice").first
    first_group = exercise.locator(".peerkit-radios").first
    first_group.locator("input[type=radio]").first.focus()
    page.keyboard.press("Space")
    feedback = exercise.locator(".peerkit-feedback").first
    feedback.locator(".peerkit-feedback-text").wait_for()
    first_label = first_group.locator(".govuk-radios__label").first.inner_text().strip()
    assert f"You chose {first_label}." in feedback.inner_text()
    page.keyboard.press("ArrowDown")
    second_label = first_group.locator(".govuk-radios__label").nth(1).inner_text().strip()
    page.wait_for_function(
        "([el, label]) => el.textContent.includes('You chose ' + label + '.')",
        arg=[feedback.element_handle(), second_label],
    )
    _saved(page, exercise)
    page.reload()
    _open(course_server, page, "m1s5")
    exercise = page.locator(".peerkit-choice").first
    checked = exercise.locator(".peerkit-radios").first.locator("input:checked")
    assert checked.evaluate("e => e.parentElement.textContent.trim()") == second_label
    assert f"You chose {second_label}." in exercise.locator(".peerkit-feedback").first.inner_text()


def test_card_sort_by_keyboard(course_server, page):
    _open(course_server, page, "m1s2")
    exercise = page.locator(".peerkit-card-sort").first
    menu = exercise.locator("select").first
    card = exercise.locator(".peerkit-card label").first.inner_text().strip()
    menu.focus()
    page.keyboard.press("ArrowDown")  # from "Choose a group…" to the first group
    page.keyboard.press("Tab")
    # ipywidgets writes option labels with no-break spaces.
    group = menu.evaluate("e => e.options[e.selectedIndex].text.replace(/\\u00a0/g, ' ')")
    assert group != "Choose a group…"
    board = exercise.locator(".peerkit-sort-board")
    page.wait_for_function(
        "([el, group, card]) => [...el.querySelectorAll('section')].some("
        "s => s.querySelector('h3').textContent === group && s.textContent.includes(card))",
        arg=[board.element_handle(), group, card],
    )
    _saved(page, exercise)
    page.reload()
    _open(course_server, page, "m1s2")
    exercise = page.locator(".peerkit-card-sort").first
    restored = exercise.locator("select").first.evaluate(
        "e => e.options[e.selectedIndex].text.replace(/\\u00a0/g, ' ')"
    )
    assert restored == group


def test_scenario_and_rewrite_by_keyboard(course_server, page):
    _start_blank(course_server, "m1s10", "scenario", {})
    _open(course_server, page, "m1s10")
    scenario = page.locator(".peerkit-scenario").first
    reveal = scenario.get_by_role("button", name="Show the course's discussion")
    # Never disabled: pressed too early it says why, beside it, and sends focus to the
    # first question.
    assert not reveal.is_disabled()
    reveal.focus()
    page.keyboard.press("Enter")
    error = scenario.locator(".peerkit-reveal-block .govuk-error-message")
    error.wait_for()
    assert "Write your own response" in error.inner_text()
    assert scenario.locator("textarea").first.evaluate("el => el === document.activeElement")
    page.keyboard.type("I would want to hear more before deciding anything.")
    _tab_to(page, 'el.textContent.trim() === "Show the course\'s discussion"')
    page.keyboard.press("Enter")
    discussion = scenario.get_by_role("region", name="Discussion")
    discussion.wait_for()
    assert "no one right way" in discussion.inner_text()
    assert error.is_hidden()
    # Focus moves to the discussion's heading, not back to the page.
    assert page.evaluate("() => document.activeElement.textContent") == "Discussion"
    _saved(page, scenario)
    page.reload()
    _open(course_server, page, "m1s10")
    scenario = page.locator(".peerkit-scenario").first
    assert scenario.get_by_role("region", name="Discussion").is_visible()
    assert "hear more" in scenario.locator("textarea").first.input_value()

    _open(course_server, page, "m1s5")
    rewrite = page.locator(".peerkit-rewrite").first
    rewrite.locator("textarea").first.focus()
    page.keyboard.type("What would help you most right now?")
    rewrite.locator(".peerkit-feedback-text").first.wait_for()
    assert "One possible rewrite" in rewrite.locator(".peerkit-feedback-text").first.inner_text()
    _saved(page, rewrite)


def test_rating_by_keyboard(course_server, page):
    _start_blank(course_server, "m1s1", "rating", {})
    _open(course_server, page, "m1s1")
    rating = page.locator(".peerkit-rating").first
    menu = rating.locator("select").first
    menu.focus()
    for _ in range(7):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert menu.input_value() == "7"
    _saved(page, rating)
