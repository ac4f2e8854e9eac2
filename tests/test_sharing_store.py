"""What a board may read: ``AnswerStore.shared_answers``, and PostgreSQL's second layer.

The store shows a viewer only the current answers of the learners they may see whose
current choice is one the board shows, without the name where the choice keeps it
back. On PostgreSQL, row-level security applies the same rule to any query at all.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from peerkit.store.answer_store import AnswerStore
from peerkit.store.consent import FOR_FACILITATOR, FOR_GROUP
from peerkit.store.postgres import AUDIENCES_OPTION, LEARNER_OPTION, VISIBLE_OPTION
from tests.conftest import people

S, S2 = "m1s1", "m1s2"


def test_only_shared_answers_of_visible_learners_are_read(database) -> None:
    store, running = database
    alice, bob, carol, fran = people(running, "alice", "bob", "carol", "fran")
    store.save(alice, S, "hopes", "alice shares this")
    store.set_consent(alice, S, "hopes", "facilitator")
    store.save(alice, S, "fears", "alice keeps this")  # never chosen: private
    store.save(bob, S, "hopes", "bob, no name")
    store.set_consent(bob, S, "hopes", "group")
    store.save(carol, S, "hopes", "carol is in another group")
    store.set_consent(carol, S, "hopes", "facilitator")

    shared = store.shared_answers(fran, {alice, bob}, FOR_FACILITATOR)
    assert {(a.learner, a.value) for a in shared} == {
        (None, "bob, no name"),  # shared with the group without a name: none to anyone
        (alice, "alice shares this"),
    }
    assert {a.value for a in store.shared_answers(bob, {alice, bob}, FOR_GROUP)} == {"bob, no name"}
    assert store.shared_answers(fran, {alice, bob}, FOR_FACILITATOR, S2) == []


def test_a_withdrawn_answer_and_an_edit_after_sharing(database) -> None:
    store, running = database
    alice, fran = people(running, "alice", "fran")
    store.save(alice, S, "hopes", "first words")
    store.set_consent(alice, S, "hopes", "group-named")
    store.save(alice, S, "hopes", "second words")
    [shared] = store.shared_answers(fran, {alice}, FOR_GROUP)
    assert (shared.learner, shared.value) == (alice, "second words")  # the current answer
    store.set_consent(alice, S, "hopes", "private")
    assert store.shared_answers(fran, {alice}, FOR_GROUP) == []


def test_postgres_shows_no_unshared_row_to_any_query(database) -> None:
    """A board's transaction that selects everything still sees only what was shared."""
    store, running = database
    if running is None:
        pytest.skip("row-level security is PostgreSQL's")
    alice, bob, fran = people(running, "alice", "bob", "fran")
    store.save(alice, S, "hopes", "shared with fran")
    store.set_consent(alice, S, "hopes", "facilitator")
    store.save(alice, S, "fears", "private to alice")
    store.save(bob, S, "hopes", "bob shared, but fran may not see bob")
    store.set_consent(bob, S, "hopes", "facilitator")
    store.save(alice, S, "later", "shared, then withdrawn")
    store.set_consent(alice, S, "later", "facilitator")
    store.set_consent(alice, S, "later", "private")

    def everything(**options: object) -> list[str]:
        conn = store.engine.connect().execution_options(**options)
        with conn, conn.begin():
            return sorted(
                row.learner + ": " + row.value
                for row in conn.execute(text("SELECT learner, value FROM answer_revisions"))
            )

    seen = everything(
        **{LEARNER_OPTION: fran, VISIBLE_OPTION: [alice], AUDIENCES_OPTION: sorted(FOR_FACILITATOR)}
    )
    assert seen == [f'{alice}: "shared with fran"']
    # Without the board's settings, nobody's rows but fran's own (none).
    assert everything(**{LEARNER_OPTION: fran}) == []
    # A group board's choices do not include "my facilitator".
    group_view = everything(
        **{LEARNER_OPTION: fran, VISIBLE_OPTION: [alice], AUDIENCES_OPTION: sorted(FOR_GROUP)}
    )
    assert group_view == []


def test_the_portfolio_shows_each_answers_choice() -> None:
    from peerkit.course.data import load_course
    from peerkit.portfolio import export_portfolio

    with AnswerStore("sqlite:///:memory:") as store:
        store.save("lee", "m1s1", "my-hopes", "to listen well")
        store.save("lee", "m1s1", "take-away", "one thing")
        # Outside a class, with no choice ever made: nothing said about sharing.
        markdown = export_portfolio("md", "lee", store, load_course()).decode()
        assert "Who can see this" not in markdown
        store.set_consent("lee", "m1s1", "my-hopes", "facilitator")
        markdown = export_portfolio("md", "lee", store, load_course()).decode()
        assert "Who can see this: Me and my facilitator" in markdown
        assert "Who can see this: Only me" in markdown  # the other answer
        html = export_portfolio("html", "lee", store, load_course()).decode()
        assert "Who can see this: Me and my facilitator" in html
        record = json.loads(export_portfolio("json", "lee", store, load_course()))
        hopes = next(a for a in record["answers"] if a["exercise"] == "my-hopes")
        assert hopes["sharing"]["audience"] == "facilitator"
