"""The portfolio as a PDF is the learner workbook with the learner's answers written in.

Read here as its HTML (fast); ``test_outputs_pdf.py`` prints one with Chromium.
"""

from __future__ import annotations

import re

import pytest

from peerkit.outputs.source import Chime, ExercisePart, read_module
from peerkit.portfolio.collect import collect_portfolio
from peerkit.portfolio.render_pdf import portfolio_workbook_html
from peerkit.portfolio.sample import sample_answers
from peerkit.store.answer_store import AnswerStore
from tests.test_outputs import NOTEBOOKS, course, exercise_html, note_segments, page_text

__all__ = ["course"]  # the fixture, used by name

LEARNER = "lee"
ANSWER = re.compile(r"ANS\[([^\]/]+/[^\]/]+)[^\]]*\]")
SESSION = re.compile(r'<section class="session" id="([a-z0-9]+)">')
EXERCISE = re.compile(r'<section class="exercise" aria-label="Exercise: ')


@pytest.fixture
def store():
    with AnswerStore("sqlite:///:memory:") as store:
        yield store


def workbook(store, course) -> str:
    return portfolio_workbook_html(collect_portfolio(LEARNER, store, course), course, NOTEBOOKS)


def save_samples(store, course, sessions: str) -> dict[tuple[str, str], object]:
    """Every exercise of the sessions starting ``sessions`` answered with marked texts."""
    saved = {}
    for session, exercise, answer in sample_answers(course, lambda n: f"ANS[{n}]", NOTEBOOKS):
        if session.startswith(sessions):
            store.save(LEARNER, session, exercise, answer)
            saved[session, exercise] = answer
    return saved


def test_each_answer_is_written_in_its_own_exercise_in_notebook_order(store, course):
    saved = save_samples(store, course, "m2")
    html = workbook(store, course)
    module = read_module(course, 2, NOTEBOOKS)
    sessions = dict(zip(SESSION.findall(html), SESSION.split(html)[2::2], strict=True))
    assert list(sessions) == [s.info.id for s in module.sessions]
    written = 0
    for source in module.sessions:
        chunks = [c.split("</section>")[0] for c in EXERCISE.split(sessions[source.info.id])[1:]]
        expected = []
        for part in source.parts:
            if isinstance(part, ExercisePart):
                name = f"{source.info.id}/{part.ref.id}"
                words = "ANS[" in str(saved[source.info.id, part.ref.id])
                expected.append({name} if words else set())  # a choice saves option keys
            elif isinstance(part, Chime):
                expected.append(set())  # scores, drawn on the wheel
        assert [set(ANSWER.findall(chunk)) for chunk in chunks] == expected, source.info.id
        written += sum(1 for names in expected if names)
    assert written >= 15  # Module 2's written answers, each found in its own place


def test_modules_not_started_are_left_out_and_unanswered_exercises_keep_their_lines(store, course):
    store.save(LEARNER, "m2s1", "chime-now", "Only this one")
    html = workbook(store, course)
    text = page_text(html)
    assert "Module 2: The Peer Support Relationship" in text
    assert 'id="m1s1"' not in html and "Modules you have not started (1) are left out." in text
    assert "It holds your 1 answer, each where you gave it." in text
    answered = exercise_html(html, "Take a few minutes to reflect on how CHIME")
    assert "Only this one" in answered and 'class="rule"' not in answered
    assert "Last saved " in answered and "1 version kept" in answered
    other = exercise_html(html, "What will you take from this session?")
    assert 'class="rule' in other and "Last saved" not in other


def test_the_learners_words_are_escaped_and_keep_their_line_breaks(store, course):
    words = '<script>alert("x")</script> & <b>bold</b>\nSecond line'
    store.save(LEARNER, "m2s1", "chime-now", words)
    html = workbook(store, course)
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold" in html
    assert "&lt;/b&gt;\nSecond line</div>" in html  # shown with white-space: pre-wrap


def test_the_chosen_option_is_marked_and_only_its_feedback_is_printed(store, course):
    save_samples(store, course, "m1s1")
    html = workbook(store, course)
    choice = exercise_html(html, "For each situation, choose what you think")
    chosen = re.findall(r'<li class="chosen">([^<]+)<span class="choice-mark">', choice)
    assert len(chosen) == 6 and len(set(chosen)) == 1  # the sample picks the first option
    notes = html[html.index("Notes on your answers") :]
    notes = notes[: notes.index('class="support-line"')]
    assert notes.count(f"You chose {chosen[0]}.") == 6 and "If you chose" not in notes
    # Blank paper has no choice: every option's feedback, each saying which it is for.
    store.erase_learner(LEARNER)
    store.save(LEARNER, "m1s1", "my-hopes", "Just this")
    blank = workbook(store, course)
    assert "If you chose" in blank and "You chose" not in blank
    assert '<li class="chosen">' not in blank


def test_feedback_sharing_and_other_answers_are_under_their_exercise(store, course):
    essay = {"draft": "My recovery story, first draft."}
    store.save(LEARNER, "m1s6", "essay-planner", essay)
    made = store.submit(LEARNER, "m1s6", "essay-planner")
    store.give_feedback("fran", {LEARNER}, made.id, "Well structured.\n\nSay <more>.")
    store.set_consent(LEARNER, "m1s6", "essay-planner", "facilitator")  # in a class
    store.save(LEARNER, "old-session", "gone-exercise", "Kept though the page is gone")
    html = workbook(store, course)
    planner = html[html.index("My recovery story, first draft.") :]
    planner = planner[: planner.index("</section>")]
    assert "Submitted to your facilitator on " in planner
    assert "Who can see this: Me and my facilitator" in planner
    assert "Feedback from fran, " in planner and "Well structured.\n\nSay &lt;more&gt;." in planner
    other = html[html.index("Other answers") :]
    assert "Kept though the page is gone" in other


def test_no_answer_at_all_says_so(store, course):
    text = page_text(workbook(store, course))
    assert "You have not written any answers yet." in text and "peerkit build workbook" in text


def test_the_portfolio_workbook_never_prints_a_facilitator_note(store, course):
    save_samples(store, course, "m")  # every module started
    text = page_text(workbook(store, course))
    checked = 0
    for info in course.modules:
        for session in read_module(course, info.number, NOTEBOOKS).sessions:
            for segment in note_segments(session):
                assert segment not in text, (session.info.id, segment)
                checked += 1
    assert checked > 200 and "Module 1: Introducing Peer Support" in text
