"""Work submitted to a facilitator, their feedback, and group agreements, in the store.

A submission is a frozen copy of the answer as saved then; the facilitators of the
learner's groups read it and write feedback; nobody else sees either. The learner's
side runs on SQLite, PostgreSQL and through the hub service; the facilitator's on
the databases (the service's boards call it: tests/classroom/test_submissions.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from peerkit.store.agreement import MAX_AGREEMENT_CHARS, AgreementRejected
from peerkit.store.answer_store import AnswerStore
from peerkit.store.postgres import (
    AUDIENCES_OPTION,
    COHORTS_OPTION,
    LEARNER_OPTION,
    VISIBLE_OPTION,
)
from peerkit.store.submission import (
    MAX_FEEDBACK_CHARS,
    FeedbackRejected,
    NoSuchSubmission,
    NothingToSubmit,
)
from tests.conftest import people, rows_seen

S, E = "m1s6", "essay-planner"
ESSAY = {"draft": "My recovery story, first draft."}


def test_a_submission_is_frozen_when_made(backend) -> None:
    make, new_learner = backend
    learner = new_learner()
    store = make(learner)
    with pytest.raises(NothingToSubmit):
        store.submit(learner, S, E)  # nothing written yet
    store.save(learner, S, E, {"draft": "   "})
    with pytest.raises(NothingToSubmit):
        store.submit(learner, S, E)  # blank is nothing
    saved = store.save(learner, S, E, ESSAY)
    first = store.submit(learner, S, E)
    assert (first.value, first.revision) == (ESSAY, saved.id)
    assert store.submit(learner, S, E).id == first.id  # unchanged: the same submission
    store.save(learner, S, E, {"draft": "Rewritten after submitting."})
    [kept] = store.submissions(learner, S)
    assert kept.value == ESSAY  # the later edit did not change what was submitted
    second = store.submit(learner, S, E)
    assert second.id != first.id
    assert [s.value for s in store.submissions(learner)] == [
        ESSAY,
        {"draft": "Rewritten after submitting."},
    ]
    assert store.submissions(learner, "m1s11") == []


def test_only_the_learners_facilitator_reads_it_and_gives_feedback(database) -> None:
    store, running = database
    alice, bob, fran, tess = people(running, "alice", "bob", "fran", "tess")
    store.save(alice, S, E, ESSAY)
    made = store.submit(alice, S, E)
    store.save(bob, S, E, {"draft": "bob's essay"})
    store.submit(bob, S, E)

    [seen] = store.submitted_work(fran, {alice}, S)  # fran facilitates alice, not bob
    assert (seen.learner, seen.value) == (alice, ESSAY)
    assert store.submitted_work(tess, set(), S) == []
    with pytest.raises(NoSuchSubmission):
        store.give_feedback(tess, {bob}, made.id, "not tess's to mark")
    with pytest.raises(FeedbackRejected):
        store.give_feedback(fran, {alice}, made.id, "  \n ")
    with pytest.raises(FeedbackRejected) as refused:
        store.give_feedback(fran, {alice}, made.id, "x" * (MAX_FEEDBACK_CHARS + 1))
    assert "x" * 20 not in str(refused.value)

    note = store.give_feedback(fran, {alice}, made.id, "  A clear story: well done.\n")
    assert note.text == "A clear story: well done."
    [mine] = store.submissions(alice, S)
    assert [(f.author, f.text) for f in mine.feedback] == [(fran, "A clear story: well done.")]
    # Submitting the same work again keeps the feedback on it (the page shows what it returns).
    again = store.submit(alice, S, E)
    assert again.id == made.id and again.feedback == mine.feedback
    assert all(not s.feedback for s in store.submissions(bob))  # bob sees none of it
    assert [s.learner for s in store.submitted_work(fran, {alice, bob}, S)] == [alice, bob]


def test_erase_removes_submissions_and_their_feedback(database) -> None:
    store, running = database
    alice, fran = people(running, "alice", "fran")
    store.save(alice, S, E, ESSAY)
    made = store.submit(alice, S, E)
    store.give_feedback(fran, {alice}, made.id, "Thank you for sharing this.")
    store.erase_learner(alice)
    assert store.submissions(alice) == []
    assert store.submitted_work(fran, {alice}) == []


def test_postgres_shows_submissions_only_to_a_facilitators_board(database) -> None:
    """Any query at all, in a board's transaction, sees submissions only as allowed."""
    store, running = database
    if running is None:
        pytest.skip("row-level security is PostgreSQL's")
    alice, bob, fran = people(running, "alice", "bob", "fran")
    store.save(alice, S, E, ESSAY)
    made = store.submit(alice, S, E)
    store.give_feedback(fran, {alice}, made.id, "Some feedback.")

    def rows(table: str, **options: object) -> int:
        return rows_seen(store, table, **options)

    board = {LEARNER_OPTION: fran, VISIBLE_OPTION: [alice], AUDIENCES_OPTION: ["facilitator"]}
    group_board = {LEARNER_OPTION: bob, VISIBLE_OPTION: [alice], AUDIENCES_OPTION: ["group"]}
    for table in ("answer_submissions", "submission_feedback"):
        assert rows(table, **board) == 1
        assert rows(table, **group_board) == 0  # a group's board never shows them
        assert rows(table, **{LEARNER_OPTION: bob}) == 0  # nor another learner
        assert rows(table, **{LEARNER_OPTION: alice}) == 1  # their owner sees them
    # Feedback for a learner outside the facilitator's groups is refused by the database.
    conn = store.engine.connect().execution_options(
        **{LEARNER_OPTION: fran, VISIBLE_OPTION: [bob], AUDIENCES_OPTION: ["facilitator"]}
    )
    with pytest.raises(Exception, match="row-level security"), conn, conn.begin():
        conn.execute(
            text(
                "INSERT INTO submission_feedback (submission, learner, author, text, given_at) "
                "VALUES (:s, :l, :a, 'forged', now())"
            ),
            {"s": made.id, "l": alice, "a": fran},
        )


def test_a_version_3_database_gains_submissions(tmp_path: Path) -> None:
    """An answers file from before submissions opens, keeps its answers and can submit."""
    path = tmp_path / "answers.db"
    with AnswerStore(f"sqlite:///{path}") as store:
        store.save("lee", S, E, ESSAY)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE answer_submissions"))
        conn.execute(text("DROP TABLE submission_feedback"))
        conn.execute(text("UPDATE peerkit_meta SET value = '3' WHERE key = 'schema_version'"))
    engine.dispose()
    with AnswerStore(f"sqlite:///{path}") as store:
        assert store.latest("lee", S, E).value == ESSAY
        assert store.submit("lee", S, E).value == ESSAY


def test_the_portfolio_shows_submissions_and_feedback() -> None:
    from peerkit.course.data import load_course
    from peerkit.portfolio import export_portfolio

    course = load_course()
    with AnswerStore("sqlite:///:memory:") as store:
        store.save("lee", S, E, ESSAY)
        made = store.submit("lee", S, E)
        store.give_feedback("fran", {"lee"}, made.id, "Well structured.\n\nSay more about CHIME.")
        store.set_consent("lee", S, E, "private")  # no row: outside a class, nothing said
        assert (
            "Submitted to your facilitator"
            not in export_portfolio("md", "lee", store, course).decode()
        )
        store.set_consent("lee", S, E, "facilitator")  # a choice: the portfolio is a class's
        markdown = export_portfolio("md", "lee", store, course).decode()
        assert "Submitted to your facilitator on " in markdown
        assert "**Feedback from fran, " in markdown
        assert "> Say more about CHIME." in markdown
        html = export_portfolio("html", "lee", store, course).decode()
        assert "Feedback from fran" in html and "<p>Say more about CHIME.</p>" in html
        record = json.loads(export_portfolio("json", "lee", store, course))
        essay = next(a for a in record["answers"] if a["exercise"] == E)
        [submitted] = essay["submissions"]
        assert submitted["value"] == ESSAY
        assert [f["text"] for f in submitted["feedback"]] == [
            "Well structured.\n\nSay more about CHIME."
        ]


def test_a_groups_agreement_keeps_every_version_and_is_read_only_in_the_group(database) -> None:
    store, running = database
    fran, tess, alice = people(running, "fran", "tess", "alice")
    monday, tuesday = people(running, "monday", "tuesday")
    assert store.agreements(alice, [monday], "m2") == []
    first = store.set_agreement(fran, monday, "m2", "  We listen without judging.\n")
    assert first.text == "We listen without judging."
    assert store.set_agreement(fran, monday, "m2", first.text).id == first.id  # unchanged
    store.set_agreement(fran, monday, "m2", "We listen without judging.\nWe keep time.")
    store.set_agreement(tess, tuesday, "m2", "Tuesday's own agreement")
    [seen] = store.agreements(alice, [monday], "m2")
    assert (seen.text, seen.author) == ("We listen without judging.\nWe keep time.", fran)
    assert store.agreements(alice, [monday], "m1") == []  # another module's is separate
    assert [a.cohort for a in store.agreements(alice, [monday, tuesday], "m2")] == [
        monday,
        tuesday,
    ]
    with pytest.raises(AgreementRejected):
        store.set_agreement(fran, monday, "m2", "x" * (MAX_AGREEMENT_CHARS + 1))
    store.erase_learner(alice)  # the group's agreement is not one learner's data
    assert len(store.agreements(fran, [monday], "m2")) == 1


def test_postgres_keeps_an_agreement_within_its_group(database) -> None:
    store, running = database
    if running is None:
        pytest.skip("row-level security is PostgreSQL's")
    fran, alice = people(running, "fran", "alice")
    monday, tuesday = people(running, "monday", "tuesday")
    store.set_agreement(fran, monday, "m1", "Monday's agreement")

    def count(**options: object) -> int:
        return rows_seen(store, "group_agreements", **options)

    assert count(**{LEARNER_OPTION: alice, COHORTS_OPTION: [monday]}) >= 1
    assert count(**{LEARNER_OPTION: alice, COHORTS_OPTION: [tuesday]}) == 0
    assert count(**{LEARNER_OPTION: alice}) == 0
    # Nobody can record one in someone else's name, or for a group not theirs.
    for options, author, cohort in (
        ({LEARNER_OPTION: alice, COHORTS_OPTION: [monday]}, fran, monday),
        ({LEARNER_OPTION: fran, COHORTS_OPTION: [monday]}, fran, tuesday),
    ):
        conn = store.engine.connect().execution_options(**options)
        with pytest.raises(Exception, match="row-level security"), conn, conn.begin():
            conn.execute(
                text(
                    "INSERT INTO group_agreements (cohort, module, text, author, agreed_at) "
                    "VALUES (:c, 'm1', 'forged', :a, now())"
                ),
                {"c": cohort, "a": author},
            )


def test_the_agreement_box_escapes_and_says_what_it_is() -> None:
    from datetime import UTC, datetime

    from peerkit.pages.agreement import agreement_html
    from peerkit.store.agreement import Agreement

    assert agreement_html([], "Module 2") == ""
    made = Agreement(1, "monday", "m2", "<b>Listen</b>\n\nKeep time", "fran", datetime.now(UTC))
    box = agreement_html([made], "Module 2")
    assert "<p>&lt;b&gt;Listen&lt;/b&gt;</p><p>Keep time</p>" in box
    assert "Our group agreement for Module 2" in box and "Recorded by fran on " in box
    assert "anything to add or change" in box
