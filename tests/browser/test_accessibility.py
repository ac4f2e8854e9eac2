"""axe-core finds no WCAG 2.0/2.1/2.2 A or AA failure, nor a best-practice one, on any page,
and a keyboard user can Tab round every page and reach each of its controls (with no script
error, failed request or request off this machine on the way).

Every page of the course (the home, My data, each session and the useful resources) and
the My data page's other states. Nothing is excluded: a violation inside an exercise
fails the test as much as one in the page around it.
"""

from __future__ import annotations

import pytest

from .axe import missing, report, run_axe
from .keyboard_sweep import sweep
from .page_problems import Problems
from .pages import course_pages, open_my_data, open_page

PAGES = course_pages()


@pytest.fixture(autouse=True)
def _axe_installed() -> None:
    problem = missing()
    if problem:
        pytest.fail(problem)


def _assert_no_violations(page, where: str) -> None:
    violations = run_axe(page)
    assert not violations, (
        f"axe found {len(violations)} rule(s) failing on {where}:\n{report(violations)}"
    )


def test_every_course_page_is_checked():
    # 18 session pages (both modules' useful resources among them), the course home and My data.
    assert len(PAGES) == 20


@pytest.mark.parametrize("course_page", PAGES, ids=[p.id for p in PAGES])
def test_page_passes_axe_and_the_keyboard(course_server, page, course_page):
    problems = Problems()  # and, all the while, no script error, failed or outside request
    problems.watch(page)
    open_page(page, course_server, course_page)
    _assert_no_violations(page, course_page.notebook)
    # The same page by keyboard alone (no second load): round it once with Tab.
    found = sweep(page)
    assert not found.problems, (
        f"Tab round {course_page.notebook} ({found.presses} presses):\n" + "\n".join(found.problems)
    )
    assert (problems.errors, problems.blocked_outside) == ([], 0), course_page.notebook


def test_my_data_with_the_erase_confirmation_open(course_server, page):
    open_my_data(page, course_server)
    page.locator(".peerkit-erase").click()
    page.locator(".peerkit-erase-confirm .peerkit-warning").wait_for()
    _assert_no_violations(page, "My data, erase confirmation open")


def test_my_data_with_downloads_prepared(course_server, page):
    open_my_data(page, course_server)
    page.locator(".peerkit-prepare").click()
    page.locator(".peerkit-download-json a.peerkit-download").wait_for()
    _assert_no_violations(page, "My data, downloads prepared")


def test_a_session_with_an_error_beside_a_field(course_server, page):
    """The discussion asked for too early: its error message, and focus sent to the box."""
    info = next(p for p in PAGES if p.notebook.startswith("module1/10-"))
    open_page(page, course_server, info)
    # A scenario whose discussion has not been opened (another test may have opened one).
    scenario = (
        page.locator(".peerkit-scenario")
        .filter(has_not=page.get_by_role("region", name="Discussion"))
        .first
    )
    scenario.get_by_role("button", name="Show the course's discussion").click()
    scenario.locator(".peerkit-reveal-block .govuk-error-message").wait_for()
    _assert_no_violations(page, "Module 1 Session 10, a discussion asked for too early")
