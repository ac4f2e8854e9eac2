"""Keyboard use, refused answers and the page before widgets load, as a learner meets them."""

from __future__ import annotations

import urllib.request

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from peerkit.store.answers import MAX_ANSWER_CHARS

from .learner import open_session

COURSE = load_course()
SELF_CARE = COURSE.session("m2s5")


def _open_self_care(course_server, page) -> None:
    count = len(exercise_ids(SELF_CARE.notebook_path()))
    open_session(page, course_server.page_url(SELF_CARE.notebook), count)


def test_list_builder_by_keyboard_alone(course_server, page):
    _open_self_care(course_server, page)
    toolbox = page.locator(".peerkit-list-builder")
    new_item = toolbox.get_by_role("textbox", name="New toolbox item")
    new_item.focus()
    page.keyboard.type("Walking by the river")
    page.keyboard.press("Enter")
    items = toolbox.locator(".peerkit-item input")
    items.first.wait_for()
    assert items.first.input_value() == "Walking by the river"

    page.keyboard.type("Phoning a friend")
    page.keyboard.press("Tab")  # leaving the box adds the item too; focus moves to Add
    items.nth(1).wait_for()
    assert items.nth(1).input_value() == "Phoning a friend"

    # Tab from the first item to its Remove button, and press Space.
    items.first.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Remove toolbox item 1"  # "Remove", and the rest for screen readers
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelectorAll('.peerkit-list-builder .peerkit-item input').length === 1"
    )
    assert items.first.input_value() == "Phoning a friend"
    status = toolbox.locator(".peerkit-status")
    page.wait_for_function("el => /^Saved /.test(el.textContent)", arg=status.element_handle())


def test_too_long_answer_is_refused_beside_the_box_and_kept(course_server, page):
    _open_self_care(course_server, page)
    exercise = page.locator(".peerkit-reflection").first
    box = exercise.locator("textarea")
    too_long = "a" * (MAX_ANSWER_CHARS + 5)
    box.fill(too_long)
    error = exercise.locator(".govuk-error-message")
    error.wait_for()
    assert "not been saved" in error.inner_text()
    assert box.input_value() == too_long
    # Beside the box: the message is the box's description.
    described = box.get_attribute("aria-describedby").split()
    assert error.get_attribute("id") in described
    assert exercise.locator(".peerkit-status").get_attribute("data-state") == "refused"
    box.fill("A shorter answer.")
    page.wait_for_function(
        "el => /^Saved /.test(el.textContent)",
        arg=exercise.locator(".peerkit-status").element_handle(),
    )


def test_narrative_is_in_the_page_before_any_widget_loads(course_server):
    """The server's HTML already holds the visible text; no script is needed to see it."""
    with urllib.request.urlopen(course_server.page_url(SELF_CARE.notebook), timeout=120) as r:
        html = r.read().decode("utf-8")
    assert f"Session 5: {SELF_CARE.title.split()[0]}" in html
    assert 'id="rendered_cells" style="display: none"' not in html
    assert "In this session you will" in html
    for objective in SELF_CARE.objectives:
        assert objective.replace("'", "&#39;") in html
    assert "Samaritans" in html


def test_outside_a_class_no_sharing_is_offered(course_server, page):
    """One learner on their own machine: no group, so no "who can see this" control."""
    _open_self_care(course_server, page)
    page.locator(".peerkit-exercise .peerkit-status").first.wait_for(state="attached")
    assert page.locator(".peerkit-exercise").count() > 0
    assert page.locator(".peerkit-share").count() == 0
    assert "Who can see this" not in page.content()


def test_outside_a_class_there_is_no_facilitator_to_submit_to(course_server, page):
    """The final assignment is written and saved, with no "Submit to my facilitator"."""
    final = COURSE.session("m1s11")
    open_session(
        page, course_server.page_url(final.notebook), len(exercise_ids(final.notebook_path()))
    )
    assignment = page.get_by_role("textbox", name="Your final assignment: my")
    assignment.fill("Written on my own machine")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.peerkit-exercise .peerkit-status')]"
        ".some(s => /^Saved /.test(s.textContent))"
    )
    assert page.locator(".peerkit-submit").count() == 0
    assert page.get_by_role("button", name="Submit to my facilitator").count() == 0
