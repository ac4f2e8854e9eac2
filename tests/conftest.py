"""Shared fixtures: an in-memory store and a Session bound to it."""

from __future__ import annotations

from collections.abc import Iterator

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
