"""The store's behaviour, the same on every backend: SQLite, PostgreSQL, the hub service.

Each test gets ``backend`` (tests/conftest.py): ``make`` gives the store that acts for
one learner. On SQLite and PostgreSQL that is one ``AnswerStore`` for everyone;
through the service it is a ``ServiceStore`` holding that learner's own token.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from peerkit.errors import AnswerRejected, StoreError
from peerkit.store.answers import MAX_ANSWER_CHARS
from peerkit.store.protocol import Store

S, E, E2 = "m1s1", "my-hopes", "group-agreement"

Make = Callable[[str], Store]


def test_save_and_read_back(backend) -> None:
    make, new = backend
    alice = new()
    store = make(alice)
    first = store.save(alice, S, E, "I hope to listen well")
    assert store.latest(alice, S, E) == first
    assert store.save(alice, S, E, "I hope to listen well") == first  # unchanged: no new one
    second = store.save(alice, S, E, {"a": ["one", "two"], "b": "ünïcode ✓"})
    assert second.id > first.id
    assert [r.value for r in store.history(alice, S, E)] == [
        "I hope to listen well",
        {"a": ["one", "two"], "b": "ünïcode ✓"},
    ]
    assert store.latest(alice, S, E2) is None


def test_save_over_reports_another_pages_answer(backend) -> None:
    make, new = backend
    alice = new()
    store = make(alice)
    first, replaced = store.save_over(alice, S, E, "from page one", base=0)
    assert replaced is None
    other, _ = store.save_over(alice, S, E, "from page two", base=first.id)
    newest, replaced = store.save_over(alice, S, E, "page one again", base=first.id)
    assert replaced is not None and replaced.value == "from page two" and replaced.id == other.id
    assert [r.value for r in store.history(alice, S, E)][-1] == "page one again"
    assert newest.id > other.id


def test_learners_never_see_each_other(backend) -> None:
    make, new = backend
    alice, bob = new(), new()
    make(alice).save(alice, S, E, "alice's words")
    bobs = make(bob)
    assert bobs.latest(bob, S, E) is None
    assert bobs.all_revisions(bob) == []
    assert bobs.current_answers(bob) == []
    assert bobs.count_revisions(bob) == 0


def test_current_answers_and_all_revisions(backend) -> None:
    make, new = backend
    alice = new()
    store = make(alice)
    store.save(alice, S, E, "one")
    store.save(alice, S, E, "two")
    store.save(alice, S, E2, "agreement")
    store.save(alice, "m1s2", "recovery-meaning", "recovery")
    assert sorted(r.value for r in store.current_answers(alice)) == ["agreement", "recovery", "two"]
    assert sorted(r.value for r in store.current_answers(alice, S)) == ["agreement", "two"]
    everything = store.all_revisions(alice)
    assert len(everything) == 4 == store.count_revisions(alice)
    keys = [(r.session, r.exercise) for r in everything]
    assert keys == sorted(keys)  # grouped by session then exercise, oldest first within


def test_erase_removes_only_the_learners_own(backend) -> None:
    make, new = backend
    alice, bob = new(), new()
    for text in ("a", "b", "c"):
        make(alice).save(alice, S, E, text)
    make(bob).save(bob, S, E, "bob's")
    secret = make(alice).draft_secret(alice)
    assert make(alice).draft_secret(alice) == secret
    assert make(alice).erase_learner(alice) == 3
    assert make(alice).all_revisions(alice) == []
    assert make(alice).draft_secret(alice) != secret  # drafts sealed before are unreadable
    assert [r.value for r in make(bob).all_revisions(bob)] == ["bob's"]


def test_refuses_what_cannot_be_an_answer(backend) -> None:
    make, new = backend
    alice = new()
    store = make(alice)
    with pytest.raises(AnswerRejected, match="over the limit"):
        store.save(alice, S, E, "x" * (MAX_ANSWER_CHARS + 1))
    with pytest.raises(AnswerRejected):
        store.save(alice, S, E, 42)
    assert store.latest(alice, S, E) is None
    assert store.save(alice, S, E, "x" * MAX_ANSWER_CHARS).value == "x" * MAX_ANSWER_CHARS


def test_lone_surrogates_are_stored_as_replacement_characters(backend) -> None:
    make, new = backend
    alice = new()
    assert make(alice).save(alice, S, E, "half \ud83d pair").value == "half \ufffd pair"


def test_where_the_answers_are_is_said_in_words(backend) -> None:
    make, new = backend
    alice = new()
    store = make(alice)
    assert store.location and not store.location.startswith(("sqlite", "postgresql", "http"))
    assert store.in_file is False  # in memory, on a server, or the class's database


def test_the_service_store_acts_only_for_its_tokens_owner(running_class) -> None:
    alice, bob = running_class.new_learner(), running_class.new_learner()
    alices = running_class.store_for(alice)
    alices.save(alice, S, E, "mine")
    with pytest.raises(StoreError, match="its own learner"):
        alices.latest(bob, S, E)
    with pytest.raises(StoreError, match="its own learner"):
        alices.save(bob, S, E, "pretending to be bob")
    assert running_class.store_for(bob).all_revisions(bob) == []


def test_sharing_is_private_until_chosen_and_every_choice_is_kept(backend) -> None:
    make, new = backend
    alice = new()
    store = make(alice)
    store.save(alice, S, E, "my hope")
    assert store.consent(alice, S, E) is None  # never chosen: only me
    first = store.set_consent(alice, S, E, "facilitator")
    assert store.set_consent(alice, S, E, "facilitator") == first  # unchanged: no new row
    second = store.set_consent(alice, S, E, "private")
    assert second.id > first.id and second.changed_at >= first.changed_at
    assert store.consent(alice, S, E) == second
    store.set_consent(alice, S, E2, "group")
    assert {(c.exercise, c.audience) for c in store.consents(alice)} == {
        (E, "private"),
        (E2, "group"),
    }


def test_an_unknown_choice_is_refused(backend) -> None:
    from peerkit.store.consent import UnknownAudience

    make, new = backend
    alice = new()
    store = make(alice)
    with pytest.raises(UnknownAudience):
        store.set_consent(alice, S, E, "everyone")
    assert store.consent(alice, S, E) is None


def test_erase_removes_every_sharing_choice(backend) -> None:
    make, new = backend
    alice, bob = new(), new()
    make(alice).save(alice, S, E, "a")
    make(alice).set_consent(alice, S, E, "group-named")
    make(bob).set_consent(bob, S, E, "facilitator")
    make(alice).erase_learner(alice)
    assert make(alice).consents(alice) == []
    assert [c.audience for c in make(bob).consents(bob)] == ["facilitator"]
