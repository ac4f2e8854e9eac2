"""Shared fixtures: an in-memory store and a Session bound to it; a store on each
database (``database``) and on each backend learners use (``backend``)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from peerkit.store.answer_store import AnswerStore


@pytest.fixture
def store() -> Iterator[AnswerStore]:
    with AnswerStore("sqlite:///:memory:") as answer_store:
        yield answer_store


@pytest.fixture
def session(store: AnswerStore):
    """Session m2s1 for learner 'alex', saving only when told to (no timers)."""
    from peerkit.session import Session

    return Session("m2s1", store=store, learner="alex", autosave_delay=None)


@pytest.fixture(scope="session")
def running_class():
    """One real class (PostgreSQL, the peerkit service, JupyterHub) for the whole run."""
    from tests.running_class import class_folder, start_class, stop_class

    running = start_class(class_folder())
    try:
        yield running
    finally:
        stop_class(running)


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[AnswerStore, object]]:
    """(store, running class or None): SQLite in memory, and the class's PostgreSQL
    through a role that does not own the tables."""
    if request.param == "sqlite":
        with AnswerStore("sqlite:///:memory:") as answer_store:
            yield answer_store, None
        return
    from peerkit.hub.postgres import APP_ROLE, OWNER_ROLE

    running = request.getfixturevalue("running_class")
    pg = running.classroom.postgres
    with AnswerStore(pg.url(APP_ROLE), admin_url=pg.url(OWNER_ROLE)) as answer_store:
        yield answer_store, running


_local_names = itertools.count()


def people(running: object, *stems: str) -> list[str]:
    """Names no other test uses (the running class's, or local ones)."""
    if running is None:
        return [f"{stem}-{next(_local_names)}" for stem in stems]
    return [running.new_learner(stem) for stem in stems]  # type: ignore[attr-defined]


@pytest.fixture(params=["sqlite", "postgres", "service"])
def backend(
    request: pytest.FixtureRequest,
) -> Iterator[tuple[Callable[[str], Any], Callable[[], str]]]:
    """(make, new_learner): ``make(learner)`` is the store that acts for that learner:
    one ``AnswerStore`` for everyone on SQLite and PostgreSQL, a ``ServiceStore``
    holding the learner's own JupyterHub token through the service."""
    if request.param == "sqlite":
        store = AnswerStore("sqlite:///:memory:")
        names = iter(range(10_000))
        yield (lambda _learner: store), (lambda: f"learner-{next(names)}")
        store.close()
        return
    running = request.getfixturevalue("running_class")
    if request.param == "postgres":
        from peerkit.hub.postgres import APP_ROLE, OWNER_ROLE

        pg = running.classroom.postgres
        store = AnswerStore(pg.url(APP_ROLE), admin_url=pg.url(OWNER_ROLE))
        yield (lambda _learner: store), running.new_learner
        store.close()
        return
    yield running.store_for, running.new_learner


def rows_seen(store: AnswerStore, table: str, **options: object) -> int:
    """How many of ``table``'s rows a transaction with these options can see at all
    (PostgreSQL's row-level security decides, whatever the query asks)."""
    from sqlalchemy import text

    conn = store.engine.connect().execution_options(**options)
    with conn, conn.begin():
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
