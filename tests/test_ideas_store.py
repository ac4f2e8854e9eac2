"""Ideas on a group's board, in the store: names, withdrawing, hiding, and PostgreSQL's
second layer (a board's ideas are read within its group only)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from peerkit.store.ideas import IdeaRejected, NoSuchIdea
from peerkit.store.postgres import COHORTS_OPTION, LEARNER_OPTION
from tests.conftest import people, rows_seen

S, B = "m2s5", "self-care-toolbox"


def test_names_withdrawing_and_hiding(database) -> None:
    store, running = database
    alice, bob, fran = people(running, "alice", "bob", "fran")
    monday, tuesday = people(running, "monday", "tuesday")
    quiet = store.add_idea(alice, monday, S, B, " A walk ", key="k1")
    assert store.add_idea(alice, monday, S, B, "A walk", key="k1") == quiet  # resent
    named = store.add_idea(alice, monday, S, B, "Music", named=True, key="k2")
    other = store.add_idea(bob, tuesday, S, B, "Tuesday's idea", key="k1")

    ideas = store.ideas(bob, [monday], S, B)
    assert [(i.text, i.learner, i.named, i.mine) for i in ideas] == [
        ("A walk", None, False, False),
        ("Music", alice, True, False),
    ]
    assert [i.learner for i in store.ideas(alice, [monday], S, B)] == [alice, alice]  # her own
    assert store.ideas(alice, [monday], S, "other-board") == []

    with pytest.raises(NoSuchIdea):
        store.withdraw_idea(bob, S, B, quiet)
    with pytest.raises(NoSuchIdea):  # at another board's address: as if there were none
        store.withdraw_idea(alice, S, "other-board", quiet)
    with pytest.raises(NoSuchIdea):
        store.hide_idea(fran, [monday], "m2s1", B, named, "on another board")
    with pytest.raises(NoSuchIdea):
        store.hide_idea(fran, [monday], S, B, other, "not fran's group")
    with pytest.raises(IdeaRejected):
        store.hide_idea(fran, [monday], S, B, named, " ")
    store.hide_idea(fran, [monday], S, B, named, "Please leave out other people's names.")
    store.withdraw_idea(alice, S, B, quiet)
    assert store.ideas(bob, [monday], S, B) == []
    [own] = store.ideas(alice, [monday], S, B)
    assert own.hidden and own.reason == "Please leave out other people's names."
    [marked] = store.ideas(fran, [monday], S, B, facilitating=True)
    assert marked.hidden and marked.text == "Music"
    with pytest.raises(IdeaRejected):
        store.add_idea(alice, monday, S, B, "x" * 2001, key="k3")

    store.erase_learner(alice)
    assert store.ideas(fran, [monday], S, B, facilitating=True) == []
    assert [i.text for i in store.ideas(bob, [tuesday], S, B)] == ["Tuesday's idea"]


def test_a_withdrawn_idea_stays_withdrawn(database) -> None:
    """Hiding it would show a facilitator again what its contributor took back."""
    store, running = database
    alice, fran = people(running, "alice", "fran")
    [monday] = people(running, "monday")
    idea = store.add_idea(alice, monday, S, B, "Taken back at once", key="k")
    store.withdraw_idea(alice, S, B, idea)
    with pytest.raises(NoSuchIdea):
        store.hide_idea(fran, [monday], S, B, idea, "Hidden after it was withdrawn")
    # A hiding recorded after the withdrawal anyway (as the store once allowed) brings
    # nothing back: taken off the board is for good.
    conn = store.engine.connect().execution_options(
        **{LEARNER_OPTION: fran, COHORTS_OPTION: [monday]}
    )
    with conn, conn.begin():
        conn.execute(
            text(
                "INSERT INTO idea_changes (idea, learner, cohort, kind, reason, author, changed_at)"
                " VALUES (:i, :l, :c, 'hidden', 'why', :a, CURRENT_TIMESTAMP)"
            ),
            {"i": idea, "l": alice, "c": monday, "a": fran},
        )
    assert store.ideas(fran, [monday], S, B, facilitating=True) == []
    assert store.ideas(alice, [monday], S, B) == []
    [own] = store.own_ideas(alice)
    assert own.withdrawn and not own.hidden and own.reason == ""


def test_postgres_keeps_a_boards_ideas_within_its_group(database) -> None:
    store, running = database
    if running is None:
        pytest.skip("row-level security is PostgreSQL's")
    alice, bob = people(running, "alice", "bob")
    monday, tuesday = people(running, "monday", "tuesday")
    idea = store.add_idea(alice, monday, S, B, "Monday's idea", key="k")

    def count(**options: object) -> int:
        return rows_seen(store, "board_ideas", **options)

    assert count(**{LEARNER_OPTION: bob, COHORTS_OPTION: [monday]}) >= 1
    assert count(**{LEARNER_OPTION: bob, COHORTS_OPTION: [tuesday]}) == 0
    assert count(**{LEARNER_OPTION: bob}) == 0
    # Nobody hides in someone else's name, or withdraws another's idea.
    conn = store.engine.connect().execution_options(
        **{LEARNER_OPTION: bob, COHORTS_OPTION: [monday]}
    )
    with pytest.raises(Exception, match="row-level security"), conn, conn.begin():
        conn.execute(
            text(
                "INSERT INTO idea_changes (idea, learner, cohort, kind, reason, author, changed_at)"
                " VALUES (:i, :l, :c, 'withdrawn', '', :a, now())"
            ),
            {"i": idea, "l": alice, "c": monday, "a": bob},
        )


def test_the_portfolio_keeps_every_idea_the_learner_added(database) -> None:
    """Exportable: the learner's own ideas, withdrawn and hidden ones too, answered or not."""
    from peerkit.course.data import load_course
    from peerkit.portfolio import export_portfolio

    store, running = database
    lee, fran = people(running, "lee", "fran")
    [monday] = people(running, "monday")
    course = load_course()
    store.add_idea(lee, monday, S, B, "Walking <b>early</b>", key="a")
    gone = store.add_idea(lee, monday, S, B, "Taken back", named=True, key="b")
    hidden = store.add_idea(lee, monday, S, B, "Names a friend", key="c")
    store.withdraw_idea(lee, S, B, gone)
    store.hide_idea(fran, [monday], S, B, hidden, "It names someone.")
    assert [i.text for i in store.own_ideas(lee)] == [
        "Walking <b>early</b>",
        "Taken back",
        "Names a friend",
    ]
    store.set_consent(lee, S, "what-self-care-means", "facilitator")  # in a class
    markdown = export_portfolio("md", lee, store, course).decode()
    assert "**Ideas you added to your group's board**" in markdown
    assert "(On your group's board, without your name.)" in markdown
    assert "Taken back (You took it off the board.)" in markdown
    assert "(Hidden by your facilitator: It names someone.)" in markdown
    html = export_portfolio("html", lee, store, course).decode()
    assert "Walking &lt;b&gt;early&lt;/b&gt;" in html
    record = json.loads(export_portfolio("json", lee, store, course))
    assert [(i["text"], i["state"]) for i in record["board_ideas"]] == [
        ("Walking <b>early</b>", "shown"),
        ("Taken back", "withdrawn"),
        ("Names a friend", "hidden"),
    ]
    assert export_portfolio("docx", lee, store, course)[:2] == b"PK"
