"""The course home in Chromium: sessions listed, continue link, progress, name, CHIME wheel."""

from __future__ import annotations

import re

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids

from .learner import open_session

HOME = "index.ipynb"


def _open_home(course_server, page) -> None:
    page.goto(course_server.page_url(HOME))
    page.wait_for_selector(".peerkit-home")
    page.wait_for_selector(".peerkit-chime-wheel .peerkit-save-reading")


def _available(course) -> list:
    return [s for s in course.sessions if not s.planned and s.notebook_path().is_file()]


def test_home_lists_modules_links_sessions_and_shows_progress(course_server, page, artifacts):
    course = load_course()
    _open_home(course_server, page)
    home = page.locator(".peerkit-home")
    for module in course.modules:
        heading = f"Module {module.number}: {module.title}"
        assert page.get_by_role("heading", name=heading).is_visible()
    planned = [s for s in course.sessions if s not in _available(course)]
    assert home.locator(".peerkit-soon").count() == len(planned)
    available = _available(course)
    assert home.locator(".peerkit-session:not(.peerkit-soon)").count() == len(available)
    for info in available:  # each its own link (content notes add links beside some)
        item = home.locator(f'.peerkit-session[data-session="{info.id}"]')
        link = item.get_by_role("link", name=info.heading, exact=True)
        assert link.get_attribute("href") == info.notebook
    assert page.locator(".peerkit-continue-link").is_visible()
    assert "import peerkit" not in page.content()
    page.screenshot(path=artifacts / "home.png")

    # Follow a link, answer one box, come back via the breadcrumb: progress moved.
    info = course.session("m2s5")
    total = len(exercise_ids(info.notebook_path()))
    home.get_by_role("link", name=info.heading).click()
    page.wait_for_url(re.compile(r"module2/05-self-care\.ipynb$"))
    open_session(page, page.url, total)
    bar = page.locator(".peerkit-session-progress")
    page.locator(".peerkit-exercise .peerkit-input textarea").first.fill("Walking helps me.")
    page.wait_for_function(
        "() => /^Saved /.test(document.querySelector('.peerkit-exercise .peerkit-status')"
        ".textContent)"
    )
    assert re.search(rf"[1-9]\d* of {total} exercises answered", bar.inner_text())
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").click()
    page.wait_for_selector(".peerkit-home")
    row = page.locator('.peerkit-session[data-session="m2s5"]')
    match = re.search(r"(\d+) of (\d+) exercises answered", row.inner_text())
    assert match is not None
    assert int(match.group(1)) >= 1
    assert int(match.group(2)) == total
    assert "last worked on" in row.inner_text()
    continue_link = page.locator(".peerkit-continue-link")
    assert "Session" in continue_link.inner_text()


def test_session_pages_link_to_previous_and_next(course_server, page):
    course = load_course()
    ready = _available(course)
    middle = ready[len(ready) // 2]
    open_session(
        page, course_server.page_url(middle.notebook), len(exercise_ids(middle.notebook_path()))
    )
    pager = page.get_by_role("navigation", name="Sessions")
    index = ready.index(middle)
    assert ready[index - 1].heading in pager.get_by_role("link").first.inner_text()
    pager.get_by_role("link", name=re.compile("^Next:")).click()
    page.wait_for_url(re.compile(re.escape(ready[index + 1].notebook) + "$"))


def test_display_name_and_chime_readings_persist(course_server, page, artifacts):
    _open_home(course_server, page)
    name = page.get_by_role("textbox", name=re.compile("^Your name on this course"))
    name.fill("Sam <they/them>")
    tool = page.locator(".peerkit-chime-wheel")
    scores = {
        "Connectedness": "6",
        "Hope and optimism": "7",
        "Identity": "4",
        "Meaning": "5",
        "Empowerment": "6",
    }
    for process, score in scores.items():
        tool.get_by_role("combobox", name=re.compile(f"^{process}")).select_option(score)
    tool.get_by_role("button", name="Save this reading").click()
    page.wait_for_function(
        "() => document.querySelectorAll('.peerkit-chime-wheel .peerkit-reading').length >= 1"
    )
    before = tool.locator(".peerkit-reading").count()
    for process in scores:
        tool.get_by_role("combobox", name=re.compile(f"^{process}")).select_option("8")
    tool.get_by_role("button", name="Save this reading").click()
    page.wait_for_function(
        f"() => document.querySelectorAll('.peerkit-chime-wheel .peerkit-reading').length "
        f"=== {before + 1}"
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.peerkit-tool .peerkit-status')]"
        ".every(s => /^Saved /.test(s.textContent))"
    )
    tool.screenshot(path=artifacts / "chime-wheel.png")

    page.reload()
    _open_home(course_server, page)
    assert name.input_value() == "Sam <they/them>"
    assert tool.locator(".peerkit-reading").count() == before + 1
    table = tool.locator(".peerkit-chime-table").inner_text()
    assert "Identity" in table and "8" in table
