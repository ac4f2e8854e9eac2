"""The real PDFs, printed by Debian's Chromium and read back with poppler's tools.

A few prints only (each takes a few seconds): the Module 2 workbook and guide,
and a portfolio. ``make chromium`` installs Chromium and poppler-utils.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from peerkit.cli import main
from peerkit.course.data import load_course
from peerkit.outputs.source import read_module
from tests.browser.conftest import browser
from tests.test_outputs import NOTEBOOKS, ROOT, course_copy, flat, note_segments

__all__ = ["browser", "course_copy"]  # the fixtures, used by name

TOOLS = ("pdftotext", "pdfinfo")
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = pytest.mark.skipif(
    not shutil.which("chromium") or not all(map(shutil.which, TOOLS)),
    reason="needs chromium and poppler-utils (make chromium)",
)


def pdf_info(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, _sep, value in (line.partition(":") for line in done.stdout.splitlines())
    )


def pdf_text(path: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    # A line broken after a hyphen ("self-" / "care") is one word again.
    return flat(done.stdout.replace("-\n", "-"))


@pytest.fixture(scope="module")
def module2():
    return read_module(load_course(ROOT / "content" / "course.yaml"), 2, NOTEBOOKS)


def test_the_module_2_workbook_prints_as_a_tagged_a4_pdf(course_copy, capsys, module2):
    assert main(["build", "workbook", "--module", "2"]) == 0
    out = capsys.readouterr().out
    path = course_copy.parent / "peerkit-build" / "module-2-learner-workbook.pdf"
    assert str(path) in out
    info = pdf_info(path)
    assert info["Page size"].startswith("594.96 x 841.92")  # A4
    assert info["Tagged"] == "yes"
    pages = int(info["Pages"])
    assert 20 <= pages <= 60
    assert f"{pages} pages" in out
    text = pdf_text(path)
    for session in module2.sessions:
        for part in session.exercises:
            assert flat(part.ref.prompt) in text, part.ref.id
        for segment in note_segments(session):
            assert segment not in text, segment
    assert "Samaritans: 116 123" in text


def test_the_module_2_guide_prints_every_facilitator_note(course_copy, capsys, module2):
    assert main(["build", "guide", "--module", "2"]) == 0
    path = course_copy.parent / "peerkit-build" / "module-2-facilitator-guide.pdf"
    assert pdf_info(path)["Tagged"] == "yes"
    assert 8 <= int(pdf_info(path)["Pages"]) <= 40
    text = pdf_text(path)
    for session in module2.sessions:
        assert flat(session.info.heading) in text
        for segment in note_segments(session):
            assert segment in text, segment
    assert re.search(r"Plan and timings", text)


def test_export_format_pdf_prints_the_workbook_with_the_answers_in(course_copy, capsys, module2):
    from peerkit import paths
    from peerkit.store.answer_store import AnswerStore
    from tests.test_outputs import LEARNER

    with AnswerStore(paths.database_url()) as store:
        store.save(LEARNER, "m2s1", "chime-now", "My CHIME thoughts in a PDF, kept private")
        store.save(LEARNER, "m2s5", "self-care-toolbox", ["Walking by the river"])
    target = course_copy.parent / "portfolio.pdf"
    assert main(["export", "--format", "pdf", "--output", str(target)]) == 0
    said = capsys.readouterr()
    assert "Wrote your portfolio (PDF, printable)" in said.out
    assert "Printing your workbook with your answers written in" in said.err
    assert target.stat().st_mode & 0o777 == 0o600
    info = pdf_info(target)
    assert info["Tagged"] == "yes" and info["Page size"].startswith("594.96 x 841.92")
    text = pdf_text(target)
    assert "My CHIME thoughts in a PDF, kept private" in text
    assert "Walking by the river" in text and f"Learner: {LEARNER}" in text
    # The Module 2 workbook, course text and room to write included; Module 1 not started.
    assert "Your workbook, with your answers written in" in text
    for session in module2.sessions:
        assert flat(session.info.heading) in text
    assert "Modules you have not started (1) are left out." in text
    assert 15 < int(info["Pages"]) < 60
    leftovers = [p for p in Path(tempfile.gettempdir()).glob("peerkit-print-*")]
    assert not leftovers  # the page with the answers is not left behind


def test_a_missing_chromium_is_explained(course_copy, capsys, monkeypatch):
    monkeypatch.setenv("PEERKIT_CHROMIUM", "no-such-chromium-here")
    assert main(["build", "guide", "--module", "2"]) == 1
    err = capsys.readouterr().err
    assert "needs Chromium" in err and "--html" in err
    assert main(["export", "--format", "pdf", "--output", "x.pdf"]) == 1
    assert not Path("x.pdf").exists()


def m2s1_deck(course_copy) -> Path:
    """Module 2 Session 1's slides, built into the copy of the course."""
    assert main(["build", "slides", "--session", "m2s1"]) == 0
    return next((course_copy.parent / "peerkit-build" / "slides").glob("module-2-01-*.html"))


def test_a_deck_is_presented_by_keyboard_and_fetches_nothing(course_copy, capsys, browser):
    deck = m2s1_deck(course_copy)
    requested: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.on("request", lambda request: requested.append(request.url))
        page.goto(deck.as_uri())
        total = page.locator("section.slide").count()
        counter = page.locator(".counter")
        assert counter.text_content() == f"Slide 1 of {total}"
        assert page.locator("section.slide:visible").count() == 1
        assert page.locator("h1:visible").text_content().startswith("Session 1: Explore")
        page.keyboard.press("ArrowRight")
        assert counter.text_content() == f"Slide 2 of {total}"
        assert page.url.endswith("#2")
        assert page.locator(".notes:visible").count() == 0
        page.keyboard.press("n")
        assert page.locator("[data-notes]").get_attribute("aria-pressed") == "true"
        page.keyboard.press("Home")
        assert page.locator(".notes:visible").count() == 1  # the title slide's session plan
        assert "Session plan" in page.locator(".notes:visible").text_content()
        page.keyboard.press("End")
        assert counter.text_content() == f"Slide {total} of {total}"
        page.get_by_role("button", name="Previous").click()
        assert counter.text_content() == f"Slide {total - 1} of {total}"
    finally:
        page.close()
    assert requested == [deck.as_uri()]  # nothing from a CDN or anywhere else


def test_the_presenter_view_keeps_in_step_with_the_slides(course_copy, capsys, browser):
    """P opens the presenter view: this slide's notes, the next slide and a clock; either
    window moves both, and nothing is fetched."""
    from playwright.sync_api import expect

    def at(n: int):
        return re.compile(f"^Slide {n} of ")

    deck = m2s1_deck(course_copy)
    requested: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        context.on("request", lambda request: requested.append(request.url))
        audience = context.new_page()
        audience.goto(deck.as_uri())
        noted = audience.locator("section.slide").evaluate_all(
            "slides => slides.map(s => !!s.querySelector('.notes:not(.notes-none)'))"
        )
        first = noted.index(True, 1) + 1  # a slide after the title that has notes
        audience.goto(f"{deck.as_uri()}#{first}")
        with audience.expect_popup() as opened:
            audience.keyboard.press("p")
        presenter = opened.value
        presenter.wait_for_load_state()
        assert "?presenter" in presenter.url
        expect(presenter.locator(".counter")).to_have_text(f"Slide {first} of {len(noted)}")
        expect(presenter.locator(".slide.current .notes")).to_be_visible()
        expect(presenter.locator(".slide.current .notes")).to_contain_text("Speaker notes")
        expect(presenter.locator(".slide.next")).to_be_visible()
        expect(presenter.locator(".slide.next")).to_have_attribute("id", f"slide-{first + 1}")
        expect(presenter.locator(".slide.next .notes")).to_be_hidden()
        expect(presenter.locator(".timer")).to_have_text(re.compile(r"^Time: \d+ min \d\d s$"))
        expect(audience.locator(".notes:visible")).to_have_count(0)  # not on the screen
        presenter.keyboard.press("ArrowRight")
        expect(audience.locator(".counter")).to_have_text(at(first + 1))
        audience.keyboard.press("ArrowRight")
        expect(presenter.locator(".counter")).to_have_text(at(first + 2))
        presenter.screenshot(path=str(ARTIFACTS / "slides-presenter-view.png"))
        audience.reload()  # the screen's window is reloaded: the two find each other again
        expect(audience.locator(".counter")).to_have_text(at(first + 2))
        presenter.keyboard.press("ArrowLeft")
        expect(audience.locator(".counter")).to_have_text(at(first + 1))
    finally:
        context.close()
    assert requested and all(url.startswith(deck.as_uri()) for url in requested)
