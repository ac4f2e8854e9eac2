"""What a learner has on their own machine, in the class (Chromium, the real hub, the
peerkit service and PostgreSQL): CHIME readings kept across pages and reloads, and a
Module 1 answer offered again in Module 2."""

from __future__ import annotations

import re

from peerkit.course.answer_ids import CHIME_EXERCISE, CHIME_SESSION
from peerkit.pictures.chime_wheel import CHIME
from tests.classroom.test_class_browser import sign_in

HOME = "index.ipynb"
CHIME_PAGE = "module2/01-chime.ipynb"
WHEEL = ".peerkit-chime-wheel"
READINGS = f"{WHEEL} .peerkit-reading"
M1, M2 = "module1/05-the-peer-relationship.ipynb", "module2/02-values-and-communication.ipynb"
#: The first paired exercise on both pages: parent-states (Module 2's carries Module 1's).
PARENT_STATES = ".peerkit-exercise.peerkit-paired >> nth=0"
CARRIED = "This is what you wrote in an earlier session."


def page_url(rc, name: str, notebook: str) -> str:
    return f"{rc.plan.url}/user/{name}/voila/render/{notebook}"


def open_wheel(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(f"{WHEEL} .peerkit-save-reading")
    page.wait_for_selector(f"{WHEEL} .peerkit-status", state="attached")


def readings_shown(page) -> int:
    return page.locator(READINGS).count()


def save_reading(page, scores: dict[str, str]) -> int:
    """Rate the five processes and save; once the wheel is drawn again, its readings."""
    tool = page.locator(WHEEL)
    shown = readings_shown(page)
    for key, label in CHIME:
        tool.get_by_role("combobox", name=re.compile(f"^{re.escape(label)}")).select_option(
            scores[key]
        )
    tool.get_by_role("button", name="Save this reading").click()
    page.wait_for_function(
        f"() => document.querySelectorAll({READINGS!r}).length !== {shown}"
        f" && /^Saved /.test(document.querySelector('{WHEEL} .peerkit-status').textContent)"
    )
    return readings_shown(page)


def test_chime_readings_are_kept_across_pages_and_reloads(browser, running_class, artifacts):
    rc = running_class
    learner = "carol"
    home = sign_in(browser, rc, learner)  # signing in lands on the course home
    home.wait_for_selector(f"{WHEEL} .peerkit-save-reading")
    before = readings_shown(home)
    saved = rc.store_for(learner).latest(learner, CHIME_SESSION, CHIME_EXERCISE)
    assert before == len(saved.value["readings"] if saved else [])
    # Module 2's page is open in another tab before the home page saves a reading.
    module2 = home.context.new_page()
    open_wheel(module2, page_url(rc, learner, CHIME_PAGE))
    assert readings_shown(module2) == before

    first = {key: str(n + 2) for n, (key, _label) in enumerate(CHIME)}  # 2, 3, 4, 5, 6
    second = {key: str(9 - n) for n, (key, _label) in enumerate(CHIME)}  # 9, 8, 7, 6, 5
    assert save_reading(home, first) == before + 1
    # Module 2's page loaded before that reading: its own is added to it, not over it.
    assert save_reading(module2, second) == before + 2
    module2.locator(WHEEL).screenshot(path=str(artifacts / "class-chime-two-pages.png"))

    for page, url in ((home, page_url(rc, learner, HOME)), (module2, module2.url)):
        open_wheel(page, url)  # reloaded: both readings, from the service
        assert readings_shown(page) == before + 2, url
        table = page.locator(f"{WHEEL} .peerkit-chime-table").inner_text()
        assert "Connectedness" in table
    stored = rc.store_for(learner).latest(learner, CHIME_SESSION, CHIME_EXERCISE)
    assert stored is not None
    scores = [{k: r[k] for k, _label in CHIME} for r in stored.value["readings"]]
    assert scores[-2:] == [first, second]
    # The menus show the latest reading.
    tool = home.locator(WHEEL)
    for key, label in CHIME:
        menu = tool.get_by_role("combobox", name=re.compile(f"^{re.escape(label)}"))
        assert menu.input_value() == second[key], key
    home.context.close()


def test_a_module_1_answer_is_offered_again_in_module_2(browser, running_class, artifacts):
    rc = running_class
    learner = "bob"
    store = rc.store_for(learner)
    assert store.latest(learner, "m2s2", "parent-states") is None, "Module 2 not yet answered"
    page = sign_in(browser, rc, learner)
    page.goto(page_url(rc, learner, M1))
    exercise = page.locator(PARENT_STATES)
    learn = exercise.locator("textarea").first
    learn.wait_for()
    words = "From Module 1: to learn to listen before I advise."
    learn.fill(words)
    exercise.locator(".peerkit-status").filter(has_text=re.compile("^Saved ")).wait_for()
    assert store.latest(learner, "m1s5", "parent-states").value["learn"] == words

    page.goto(page_url(rc, learner, M2))
    exercise = page.locator(PARENT_STATES)
    learn = exercise.locator("textarea").first
    learn.wait_for()
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).value === text",
        arg=[".peerkit-exercise.peerkit-paired textarea", words],
    )
    assert (exercise.locator(".peerkit-status").text_content() or "").startswith(CARRIED)
    exercise.screenshot(path=str(artifacts / "class-carried-over.png"))
    # Offered, not saved: Module 2's answer is the learner's once they keep or change it.
    assert store.latest(learner, "m2s2", "parent-states") is None
    learn.press("End")
    learn.type(" And in Module 2: to let go of fixing.")
    exercise.locator(".peerkit-status").filter(has_text=re.compile("^Saved ")).wait_for()
    kept = f"{words} And in Module 2: to let go of fixing."
    assert store.latest(learner, "m2s2", "parent-states").value["learn"] == kept
    assert store.latest(learner, "m1s5", "parent-states").value["learn"] == words

    page.reload()
    learn = page.locator(PARENT_STATES).locator("textarea").first
    learn.wait_for()
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).value === text",
        arg=[".peerkit-exercise.peerkit-paired textarea", kept],
    )
    page.context.close()
