"""A learner who starts reading before the exercises arrive is not moved about."""

from __future__ import annotations

import pytest

from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids

from .learner import EXERCISES

COURSE = load_course()
LONG_PAGES = ["m1s5", "m2s1"]


@pytest.mark.parametrize("session_id", LONG_PAGES)
def test_the_text_being_read_stays_put_when_the_exercises_arrive(course_server, page, session_id):
    info = COURSE.session(session_id)
    expected = len(exercise_ids(info.notebook_path()))
    page.goto(course_server.page_url(info.notebook), wait_until="commit")
    page.wait_for_selector(".peerkit-cells h2")
    # The learner scrolls to a heading far down while the exercises are still loading.
    before = page.evaluate(
        """() => {
          const headings = [...document.querySelectorAll('.peerkit-cells h2, .peerkit-cells h3')];
          const heading = headings[Math.min(4, headings.length - 1)];
          heading.scrollIntoView();
          return {
            id: heading.id,
            top: heading.getBoundingClientRect().top,
            exercises: document.querySelectorAll('.peerkit-exercise').length,
          };
        }"""
    )
    assert before["exercises"] < expected, "the exercises were in before the learner scrolled"
    page.wait_for_function(
        f"() => document.querySelectorAll('{EXERCISES} .peerkit-status').length === {expected}"
    )
    # Each exercise has been drawn; the page settles within a frame of the last one.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    after = page.evaluate(
        "id => document.getElementById(id).getBoundingClientRect().top", before["id"]
    )
    assert abs(after - before["top"]) < 2, f"the heading moved {after - before['top']:.0f} px"


def test_the_text_being_read_stays_put_when_the_page_is_moved_into_voilas_shell(
    course_server, page
):
    """Voilà's front end moves the whole page (#rendered_cells) into its shell. If the
    browser lays the page out between taking it out and putting it back, the document is
    empty for a moment and its scroll position drops to the top: the learner would be
    sent back to the start of a long page (a run once saw a heading move 2161 px)."""
    info = COURSE.session("m1s5")
    expected = len(exercise_ids(info.notebook_path()))
    page.goto(course_server.page_url(info.notebook))
    page.wait_for_function(
        f"() => document.querySelectorAll('{EXERCISES} .peerkit-status').length === {expected}"
    )
    moved = page.evaluate(
        """async () => {
          const headings = [...document.querySelectorAll('.peerkit-cells h2, .peerkit-cells h3')];
          const heading = headings[Math.min(4, headings.length - 1)];
          heading.scrollIntoView();
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          const top = heading.getBoundingClientRect().top;
          const cells = document.getElementById('rendered_cells');
          const home = cells.parentNode, next = cells.nextSibling;
          home.removeChild(cells);
          void document.body.offsetHeight;  // laid out while the page is out
          home.insertBefore(cells, next);
          await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
          return heading.getBoundingClientRect().top - top;
        }"""
    )
    assert abs(moved) < 2, f"the heading moved {moved:.0f} px"
