"""What a learner does in the browser, as reusable steps for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field

EXERCISES = ".peerkit-exercise"
TEXT_BOXES = ".peerkit-exercise .peerkit-input textarea"
NEW_ITEM_BOXES = ".peerkit-exercise .peerkit-new-item input"
ITEM_BOXES = ".peerkit-exercise .peerkit-item input"
RADIO_GROUPS = ".peerkit-exercise .peerkit-radios"
MENUS = ".peerkit-exercise select"
SCENARIOS = ".peerkit-exercise.peerkit-scenario"

ALL_SAVED = """() => {
  const exercises = [...document.querySelectorAll('.peerkit-exercise')];
  return exercises.length > 0 && exercises.every(
    e => /^Saved /.test((e.querySelector('.peerkit-status') || {}).textContent || ''));
}"""

UNNAMED_CONTROLS = """() => {
  const unnamed = [];
  for (const el of document.querySelectorAll(
      '.peerkit-exercise textarea, .peerkit-exercise input, .peerkit-exercise button, '
      + '.peerkit-exercise select')) {
    let name = el.getAttribute('aria-label') || '';
    if (!name && el.labels && el.labels.length) name = el.labels[0].textContent;
    if (!name && el.tagName === 'BUTTON') name = el.textContent;
    if (!name.trim()) unnamed.push(el.outerHTML.slice(0, 120));
  }
  return unnamed;
}"""


@dataclass
class Answers:
    """What a learner typed and chose, in page order."""

    texts: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    radios: list[str] = field(default_factory=list)
    menus: list[str] = field(default_factory=list)


def open_session(page, url: str, exercises: int) -> None:
    """Open a session and wait until all its exercises are on the page."""
    page.goto(url)
    page.wait_for_function(f"() => document.querySelectorAll('{EXERCISES}').length === {exercises}")
    page.wait_for_selector(f"{EXERCISES} .peerkit-status", state="attached")


def answer_everything(page, tag: str) -> Answers:
    """Type into every box, add to every list, choose in every group and menu; wait for 'Saved'."""
    answers = Answers()
    boxes = page.locator(TEXT_BOXES)
    for index in range(boxes.count()):
        text = f"{tag} answer {index}: I’m learning — ‘slowly’ & <gently> ✓"
        boxes.nth(index).fill(text)
        answers.texts.append(text)
    # Lists may hold items from an earlier visit; new ones are added after them.
    answers.items = page.locator(ITEM_BOXES).evaluate_all("els => els.map(e => e.value)")
    new_items = page.locator(NEW_ITEM_BOXES)
    for index in range(new_items.count()):
        text = f"{tag} idea {index}"
        new_items.nth(index).fill(text)
        new_items.nth(index).press("Enter")
        page.wait_for_function(
            "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.value === text)",
            arg=[ITEM_BOXES, text],
        )
    answers.items = page.locator(ITEM_BOXES).evaluate_all("els => els.map(e => e.value)")
    groups = page.locator(RADIO_GROUPS)
    for index in range(groups.count()):
        radios = groups.nth(index).locator("input[type=radio]")
        choice = radios.nth(index % radios.count())
        choice.check()
        answers.radios.append(choice.evaluate("e => e.parentElement.textContent.trim()"))
    menus = page.locator(MENUS)
    for index in range(menus.count()):
        options = menus.nth(index).locator("option")
        value = options.nth(1 + index % (options.count() - 1)).get_attribute("value")
        menus.nth(index).select_option(value)
        answers.menus.append(value)
    scenarios = page.locator(SCENARIOS)
    for index in range(scenarios.count()):
        scenario = scenarios.nth(index)
        if scenario.get_by_role("region", name="Discussion").count() == 0:
            scenario.get_by_role("button", name="Show the course's discussion").click()
            scenario.get_by_role("region", name="Discussion").wait_for()
    page.wait_for_function(ALL_SAVED)
    return answers


def read_answers(page) -> Answers:
    texts = page.locator(TEXT_BOXES).evaluate_all("els => els.map(e => e.value)")
    items = page.locator(ITEM_BOXES).evaluate_all("els => els.map(e => e.value)")
    radios = page.locator(RADIO_GROUPS).evaluate_all(
        "els => els.map(g => { const c = g.querySelector('input:checked');"
        " return c ? c.parentElement.textContent.trim() : null; })"
    )
    menus = page.locator(MENUS).evaluate_all("els => els.map(e => e.value)")
    return Answers(texts=texts, items=items, radios=radios, menus=menus)
