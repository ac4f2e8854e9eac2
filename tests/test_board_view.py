"""A board's content from shared answers: page order, reading as the portfolio does, escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from peerkit.course.data import load_course
from peerkit.hub.board_view import NO_NAME, board_session
from peerkit.pages.templating import macros
from peerkit.store.consent import SharedAnswer

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def shared(exercise: str, value: object, learner: str | None, revision: int = 1) -> SharedAnswer:
    return SharedAnswer(revision, learner, "m1s1", exercise, value, NOW, "facilitator")


def test_answers_sit_under_their_exercise_in_page_order() -> None:
    course = load_course()
    board = board_session(
        course,
        "m1s1",
        [
            shared("my-hopes", "to listen", "alice", 2),
            shared("group-agreement", {"i-commit": "kindness"}, None, 3),
            shared("take-away", "", "alice", 4),  # blank: nothing to show
            shared("retired-exercise", "kept", "bob", 5),
        ],
    )
    ids = [e.id for e in board.exercises]
    assert ids.index("group-agreement") < ids.index("my-hopes")
    assert ids[-1] == "retired-exercise"  # no longer on the page, still shown
    agreement = next(e for e in board.exercises if e.id == "group-agreement")
    [answer] = agreement.answers
    assert answer.who == NO_NAME and not answer.named
    assert answer.parts[0].label == "What I commit to" and answer.parts[0].text == "kindness"
    assert next(e for e in board.exercises if e.id == "take-away").answers == ()
    assert board.count == 3


def test_learner_text_is_escaped_by_the_template_engine() -> None:
    attack = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    board = board_session(load_course(), "m1s1", [shared("my-hopes", attack, "<b>eve</b>")])
    html = str(macros("hub/board.html.j2").answers(board, "facilitator"))
    assert "<img" not in html and "<script" not in html and "<b>eve" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
