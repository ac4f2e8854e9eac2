"""The page around the exercises: language and title, keyboard scrolling, focus, 320 px."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .axe import report, run_axe
from .pages import HOME, MY_DATA, course_pages, open_page

PAGES = {p.notebook: p for p in course_pages()}
LONG_SESSION = "module1/05-the-peer-relationship.ipynb"
#: What the page furniture is made of: none of it may run off a narrow screen.
FURNITURE = (
    ".peerkit-header, .peerkit-breadcrumb, .peerkit-support-banner, .peerkit-objectives, "
    ".peerkit-session-progress, .peerkit-pager, .peerkit-footer, .peerkit-home, .peerkit-my-data, "
    ".peerkit-header *, .peerkit-footer *, .peerkit-pager *, .peerkit-my-data *"
)
OFF_THE_SIDE = """(selector) => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(selector)]
    .filter(el => el.getClientRects().length > 0)
    .filter(el => {
      const r = el.getBoundingClientRect();
      return r.left < -1 || r.right > width + 1;
    })
    .map(el => el.tagName.toLowerCase() + '.' + el.className + ' '
      + Math.round(el.getBoundingClientRect().right));
}"""
CLIPPED = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length > 0 && getComputedStyle(el).overflowX !== 'visible')
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => el.tagName.toLowerCase() + '.' + el.className + ' '
    + el.scrollWidth + '>' + el.clientWidth)"""
FOCUS_STYLE = """() => {
  const el = document.activeElement, s = getComputedStyle(el);
  return {tag: el.tagName, text: el.textContent.trim(), outline: s.outlineStyle,
          outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
          background: s.backgroundColor, shadow: s.boxShadow};
}"""
#: Words in the course text's tables that wrap inside themselves, not at a hyphen or dash.
SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll('.jp-RenderedMarkdown td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\-\u2010-\u2014]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""
#: Each table body cell with the heading shown above it (none missing, none extra).
CELL_HEADINGS = """() => [...document.querySelectorAll('.jp-RenderedMarkdown tbody td')].map(td => {
  const heading = [...td.closest('table').querySelectorAll('thead th')][td.cellIndex];
  const shown = getComputedStyle(td, '::before').content;
  return [heading ? heading.textContent.trim() : '', shown];
})"""
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _has_learner_table(notebook: str) -> bool:
    """Whether a text cell that learners see (not a facilitator's) holds a Markdown table."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    return any(
        cell["cell_type"] == "markdown"
        and "facilitator" not in cell["metadata"].get("tags", [])
        and re.search(r"^\|\s*:?-{3,}", "".join(cell["source"]), re.MULTILINE)
        for cell in cells
    )


TABLE_PAGES = [p.notebook for p in course_pages() if p.exercises and _has_learner_table(p.notebook)]
YELLOW, BLACK = "rgb(255, 221, 0)", "rgb(11, 12, 12)"


@pytest.mark.parametrize("notebook", [HOME, MY_DATA, LONG_SESSION])
def test_pages_say_their_language_and_what_they_are(course_server, page, notebook):
    open_page(page, course_server, PAGES[notebook])
    assert page.evaluate("() => document.documentElement.lang") == "en-GB"
    assert page.title() == PAGES[notebook].title


def test_the_keyboard_scrolls_the_page_from_load(course_server, page):
    open_page(page, course_server, PAGES[LONG_SESSION])
    assert page.evaluate("() => document.activeElement === document.body")
    assert page.evaluate("() => window.scrollY") == 0
    page.keyboard.press("PageDown")
    # A page's worth (smooth scrolling takes a moment, hence waiting for it).
    page.wait_for_function("() => window.scrollY >= window.innerHeight / 2")
    after_page_down = page.evaluate("() => window.scrollY")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("(y) => window.scrollY > y", arg=after_page_down)
    page.keyboard.press("Home")
    page.wait_for_function("() => window.scrollY === 0")


def _tab_to(page, predicate_js: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate_js}; }}"):
            return
    pytest.fail(f"Tab never reached an element where {predicate_js}")


def _px(value: str) -> float:
    return float(value.removesuffix("px"))


def test_links_and_buttons_show_a_strong_focus_indicator(course_server, page, artifacts):
    open_page(page, course_server, PAGES[HOME])
    _tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Course home'")
    style = page.evaluate(FOCUS_STYLE)
    # Yellow behind the text and a 4 px black bar under it (19:1 against the page).
    assert style["background"] == YELLOW
    assert f"{BLACK} 0px 4px" in style["shadow"]
    page.screenshot(
        path=artifacts / "focus-link.png", clip={"x": 0, "y": 0, "width": 1100, "height": 160}
    )

    _tab_to(page, "el.classList.contains('peerkit-continue-link')")
    assert page.evaluate(FOCUS_STYLE)["background"] == YELLOW

    open_page(page, course_server, PAGES[MY_DATA])
    _tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Prepare downloads'")
    style = page.evaluate(FOCUS_STYLE)
    assert style["outline"] == "solid"
    assert _px(style["outlineWidth"]) >= 3
    assert style["outlineColor"] == BLACK
    assert f"{YELLOW} 0px 0px 0px 6px" in style["shadow"]
    box = page.locator(".peerkit-prepare").bounding_box()
    assert box is not None
    page.screenshot(
        path=artifacts / "focus-button.png",
        clip={
            "x": box["x"] - 12,
            "y": box["y"] - 12,
            "width": box["width"] + 24,
            "height": box["height"] + 24,
        },
    )
    # The ring is not cut off by the output area around the button.
    assert page.evaluate(
        """() => { const b = document.querySelector('.peerkit-prepare').getBoundingClientRect();
                   let el = document.querySelector('.peerkit-prepare').parentElement;
                   for (; el && el.id !== 'rendered_cells'; el = el.parentElement) {
                     if (getComputedStyle(el).overflowX === 'visible') continue;
                     const r = el.getBoundingClientRect();
                     if (b.left - 6 < r.left || b.right + 6 > r.right) return false; }
                   return true; }"""
    )


def test_my_data_text_and_buttons_are_body_size(course_server, page):
    open_page(page, course_server, PAGES[MY_DATA])
    sizes = page.evaluate(
        """() => ['p', '.jupyter-button', 'summary'].map(
             s => getComputedStyle(document.querySelector('.peerkit-my-data ' + s)).fontSize)"""
    )
    assert sizes == ["19px", "19px", "19px"]
    # The database's path is for those who ask: behind a closed <details>.
    location = page.locator(".peerkit-details .peerkit-path")
    assert (location.text_content() or "").endswith("answers.sqlite3")
    assert not location.is_visible()
    page.get_by_text("Where is my data stored?").click()
    assert location.is_visible()


@pytest.fixture
def narrow_page(course_server, browser, request):
    """The page ``notebook`` (the test's parameter) open at 320 px, all there."""
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        open_page(page, course_server, PAGES[request.node.callspec.params["notebook"]])
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("notebook", [HOME, MY_DATA, LONG_SESSION])
def test_furniture_reflows_at_320_pixels(narrow_page, artifacts, notebook):
    page = narrow_page
    name = PAGES[notebook].id.replace("/", "-")
    page.screenshot(path=artifacts / f"320-{name}.png", full_page=True)
    assert page.evaluate(
        "() => document.scrollingElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page scrolls sideways at 320 px"
    assert page.evaluate(OFF_THE_SIDE, FURNITURE) == []
    assert page.evaluate(CLIPPED, FURNITURE) == []
    # Narrative tables wrap within the column rather than being cut off.
    assert page.evaluate(OFF_THE_SIDE, ".jp-RenderedMarkdown table") == []
    violations = run_axe(page)
    assert not violations, report(violations)


@pytest.mark.parametrize("notebook", TABLE_PAGES)
def test_tables_read_at_320_pixels(narrow_page, artifacts, notebook):
    """A narrow screen stacks each table row, each cell under its heading, no word split."""
    page = narrow_page
    page.locator(".jp-RenderedMarkdown table").first.screenshot(
        path=artifacts / f"320-table-{PAGES[notebook].id.replace('/', '-')}.png"
    )
    assert page.evaluate(SPLIT_WORDS) == []
    headings = page.evaluate(CELL_HEADINGS)
    assert headings, "no table found"
    for heading, shown in headings:  # the heading shown, and hidden from screen readers
        quoted = heading.replace("\\", "\\\\").replace('"', '\\"')
        assert shown == (f'"{quoted}" / ""' if heading else "none")
    assert page.evaluate(OFF_THE_SIDE, ".jp-RenderedMarkdown table") == []
    violations = run_axe(page)  # stacked, the tables are still tables to assistive tools
    assert not violations, report(violations)
