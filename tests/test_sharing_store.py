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
from peerkit.store.postgres import (
    AUDIENCES_OPTION,
    COHORTS_OPTION,
    LEARNER_OPTION,
    VISIBLE_OPTION,
)
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


def test_an_answer_shared_with_one_group_is_read_on_that_groups_board_only(database) -> None:
    """M (in groups one and two) shares with group one: only a board of group one
    shows it. A choice naming no group counts only where the store is told its
    learner has that one group (``unnamed_group``)."""
    store, running = database
    m, p = people(running, "m", "p")
    store.save(m, S, "hopes", "for group one")
    chosen = store.set_consent(m, S, "hopes", "group-named", "one")
    assert chosen.group == "one" and store.consent(m, S, "hopes") == chosen
    assert store.set_consent(m, S, "hopes", "group-named", "one") == chosen  # unchanged
    store.save(p, S, "hopes", "an older choice")
    store.set_consent(p, S, "hopes", "group")  # names no group
    board = {m, p}

    def read(groups: list[str] | None, unnamed: frozenset[str] = frozenset()) -> set[str]:
        found = store.shared_answers(m, board, FOR_GROUP, groups=groups, unnamed_group=unnamed)
        return {str(a.value) for a in found}

    assert read(["one"]) == {"for group one"}
    assert read(["two"]) == set()
    assert read(["two"], {p}) == {"an older choice"}  # p's only group is two
    assert read(["one", "two"], {p}) == {"for group one", "an older choice"}
    # A facilitator's choice is for no group: every board of theirs that shows it.
    store.set_consent(m, S, "hopes", "facilitator", "one")
    assert store.consent(m, S, "hopes").group is None  # type: ignore[union-attr]
    assert {a.value for a in store.shared_answers(p, board, FOR_FACILITATOR, groups=[])} == {
        "for group one"
    }
    history = store.consent_history(m, S, "hopes")
    assert [(c.audience, c.group) for c in history] == [
        ("group-named", "one"),
        ("facilitator", None),
    ]


def test_a_version_4_database_keeps_its_choices(tmp_path) -> None:
    """A database from before groups were named opens, its choices naming none."""
    import sqlite3

    path = tmp_path / "answers.sqlite3"
    with AnswerStore(f"sqlite:///{path}") as store:
        store.save("lee", S, "hopes", "older")
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("ALTER TABLE answer_consent DROP COLUMN cohort")
        raw.execute(
            "INSERT INTO answer_consent (learner, session, exercise, audience, changed_at) "
            "VALUES ('lee', ?, 'hopes', 'group', '2026-01-01 00:00:00')",
            (S,),
        )
        raw.execute("UPDATE peerkit_meta SET value = '4' WHERE key = 'schema_version'")
    raw.close()
    with AnswerStore(f"sqlite:///{path}") as store:
        consent = store.consent("lee", S, "hopes")
        assert consent is not None and (consent.audience, consent.group) == ("group", None)
        assert store.shared_answers("x", {"lee"}, FOR_GROUP, groups=["one"]) == []
        found = store.shared_answers("x", {"lee"}, FOR_GROUP, groups=["one"], unnamed_group={"lee"})
        assert [a.value for a in found] == ["older"]
        assert store.set_consent("lee", S, "hopes", "group", "one").group == "one"


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


def _read_for_groups(store: AnswerStore, reader: str, learner: str, groups: list[str]) -> list[str]:
    """Every revision a board's transaction for ``groups`` can see of ``learner``'s,
    whatever the query asks (row-level security decides)."""
    options = {
        LEARNER_OPTION: reader,
        VISIBLE_OPTION: [learner],
        AUDIENCES_OPTION: sorted(FOR_GROUP),
        COHORTS_OPTION: groups,
    }
    conn = store.engine.connect().execution_options(**options)
    with conn, conn.begin():
        query = text("SELECT value FROM answer_revisions ORDER BY value")
        return [row.value for row in conn.execute(query)]


def test_postgres_shows_a_groups_answer_only_to_a_read_for_that_group(database) -> None:
    """Row-level security: a revision shared with group one is not read for group two."""
    store, running = database
    if running is None:
        pytest.skip("row-level security is PostgreSQL's")
    m, p = people(running, "m", "p")
    store.save(m, S, "hopes", "for group one")
    store.set_consent(m, S, "hopes", "group", "one")

    assert _read_for_groups(store, p, m, ["one"]) == ['"for group one"']
    assert _read_for_groups(store, p, m, ["two"]) == []
    assert _read_for_groups(store, p, m, []) == []


def test_a_version_4_postgres_database_is_upgraded_with_its_row_security(running_class) -> None:
    """A class database from before groups were named: the owner's upgrade adds the
    column, keeps the old choices (naming no group), and row-level security then checks
    the group of a new choice, for a role that does not own the tables."""
    import uuid

    import psycopg
    from psycopg import sql

    from peerkit.hub.postgres import APP_ROLE, OWNER_ROLE, SUPERUSER

    pg = running_class.classroom.postgres
    name = f"peerkit_v4_{uuid.uuid4().hex[:8]}"
    superuser = {
        "host": str(pg.socket_dir),
        "user": SUPERUSER,
        "password": pg.passwords()[SUPERUSER],
        "autocommit": True,
    }
    with psycopg.connect(dbname="postgres", **superuser) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(OWNER_ROLE)
            )
        )
    try:
        with psycopg.connect(dbname=name, **superuser) as conn:
            conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
            conn.execute(
                sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(APP_ROLE))
            )
            conn.execute(
                sql.SQL("ALTER SCHEMA public OWNER TO {}").format(sql.Identifier(OWNER_ROLE))
            )
        app, owner = pg.url(APP_ROLE, name), pg.url(OWNER_ROLE, name)
        m, p = "m-v4", "p-v4"
        with AnswerStore(app, admin_url=owner) as store:
            store.save(m, S, "hopes", "older")
            store.save(m, S, "fears", "newer")
        # Make it a version-4 database: no cohort column (its policy goes with it) and
        # a choice of "my group" naming no group.
        with psycopg.connect(dbname=name, **superuser) as conn:  # past row security
            conn.execute("ALTER TABLE answer_consent DROP COLUMN cohort CASCADE")
            conn.execute(
                "INSERT INTO answer_consent (learner, session, exercise, audience, changed_at) "
                "VALUES (%s, %s, 'hopes', 'group', '2026-01-01 00:00:00')",
                (m, S),
            )
            conn.execute("UPDATE peerkit_meta SET value = '4' WHERE key = 'schema_version'")

        with AnswerStore(app, admin_url=owner) as store:
            version = store.engine.connect().execute(
                text("SELECT value FROM peerkit_meta WHERE key = 'schema_version'")
            )
            assert version.scalar_one() == "5"
            consent = store.consent(m, S, "hopes")
            assert consent is not None and (consent.audience, consent.group) == ("group", None)
            assert store.set_consent(m, S, "fears", "group", "one").group == "one"

            # The old choice names no group: any group's read sees it; the new one,
            # only a read for its own group.
            assert _read_for_groups(store, p, m, ["one"]) == ['"newer"', '"older"']
            assert _read_for_groups(store, p, m, ["two"]) == ['"older"']
    finally:
        with psycopg.connect(dbname="postgres", **superuser) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
