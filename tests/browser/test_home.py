"""The course home in Chromium: every session listed, links work, progress shows."""

from __future__ import annotations

import re

from peerkit.course import load_course
from peerkit.notebook_scan import exercise_ids

from .learner import open_session

HOME = "index.ipynb"


def test_home_lists_both_modules_and_links_to_sessions(course_server, page, artifacts):
    course = load_course()
    page.goto(course_server.page_url(HOME))
    page.wait_for_selector(".peerkit-home")
    home = page.locator(".peerkit-home")
    for module in course.modules:
        heading = f"Module {module.number}: {module.title}"
        assert page.get_by_role("heading", name=heading).is_visible()
    assert home.locator(".peerkit-soon").count() == len(course.module("m1").sessions)
    links = home.get_by_role("link")
    assert links.count() == len(course.module("m2").sessions)
    assert "import peerkit" not in page.content()
    page.screenshot(path=artifacts / "home.png")

    # Follow a link, answer one box, come back via the breadcrumb: progress moved.
    info = course.session("m2s5")
    total = len(exercise_ids(info.notebook_path()))
    home.get_by_role("link", name=f"Session 5: {info.title}").click()
    page.wait_for_url(re.compile(r"module2/05-self-care\.ipynb$"))
    open_session(page, page.url, total)
    page.locator(".peerkit-exercise .peerkit-input textarea").first.fill("Walking helps me.")
    page.wait_for_function(
        "() => /^Saved /.test(document.querySelector('.peerkit-status').textContent)"
    )
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    page.wait_for_selector(".peerkit-home")
    row = page.locator('.peerkit-session[data-session="m2s5"]')
    match = re.search(r"(\d+) of (\d+) exercises answered", row.inner_text())
    assert match is not None
    assert int(match.group(1)) >= 1
    assert int(match.group(2)) == total
