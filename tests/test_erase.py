"""Erasing a learner: every revision goes, and no copy survives in the SQLite files."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import delete

from peerkit.store.answer_store import AnswerStore
from peerkit.store.schema import answer_revisions

CANARY = "CANARY-7d1e"
FORMS = {
    "utf-8": CANARY.encode("utf-8"),
    "utf-16-le": CANARY.encode("utf-16-le"),
    "utf-16-be": CANARY.encode("utf-16-be"),
}


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "private" / "answers.sqlite3"


@pytest.fixture
def file_store(db_path):
    with AnswerStore(f"sqlite:///{db_path}") as answer_store:
        yield answer_store


def _files(db_path):
    """The database file and its WAL, if there is one."""
    return [p for p in (db_path, db_path.with_name(db_path.name + "-wal")) if p.exists()]


def _found(db_path) -> list[str]:
    """Which files hold the canary, in which encoding."""
    hits = []
    for path in _files(db_path):
        data = path.read_bytes()
        hits += [f"{path.name}:{name}" for name, form in FORMS.items() if form in data]
    return hits


def _save_canaries(store: AnswerStore) -> int:
    """Several revisions of several answers holding the canary; returns how many."""
    saves = 0
    for n in range(6):
        store.save("learner-a", "m2s1", "chime-now", f"{CANARY} draft {n} " + "é" * 500)
        store.save("learner-a", "m2s3", "boundary-statement", {"ok": f"{CANARY} {n}"})
        store.save("learner-a", "m2s5", "self-care-toolbox", [f"{CANARY} item {n}", "walk"])
        saves += 3
    return saves


def _save_other_learner(store: AnswerStore) -> None:
    store.save("learner-b", "m2s1", "chime-now", "B's first thoughts")
    store.save("learner-b", "m2s1", "chime-now", "B's second thoughts")
    store.save("learner-a2", "m2s1", "chime-now", "A similar name, a different learner")


def test_erase_leaves_no_copy_of_the_text_in_the_file_or_its_wal(file_store, db_path):
    saves = _save_canaries(file_store)
    _save_other_learner(file_store)
    assert _found(db_path)  # the scan does find the text while it is stored

    assert file_store.erase_learner("learner-a") == saves

    assert _found(db_path) == []
    assert file_store.current_answers("learner-a") == []
    assert [r.value for r in file_store.history("learner-b", "m2s1", "chime-now")] == [
        "B's first thoughts",
        "B's second thoughts",
    ]
    assert file_store.latest("learner-a2", "m2s1", "chime-now").value.startswith("A similar")
    file_store.close()
    assert _found(db_path) == []


def test_the_text_stays_gone_after_reopening_and_saving_more(file_store, db_path):
    _save_canaries(file_store)
    file_store.erase_learner("learner-a")
    file_store.close()
    with AnswerStore(f"sqlite:///{db_path}") as reopened:
        reopened.save("learner-a", "m2s1", "chime-now", "A fresh start")
        fresh = reopened.latest("learner-a", "m2s1", "chime-now")
        assert fresh is not None and fresh.value == "A fresh start"
        assert _found(db_path) == []


def test_a_plain_delete_would_leave_the_text_behind(file_store, db_path):
    """Why erase_learner scrubs: deleting the rows alone leaves copies in the WAL."""
    _save_canaries(file_store)
    with file_store.engine.begin() as conn:
        conn.execute(delete(answer_revisions).where(answer_revisions.c.learner == "learner-a"))
    assert file_store.current_answers("learner-a") == []
    assert _found(db_path)


def test_erase_clears_text_that_an_insecure_delete_left_in_free_pages(file_store, db_path):
    """Rows deleted without secure_delete (another tool, an older version) leave free
    pages holding the text; erasing rebuilds the file so they go too."""
    _save_canaries(file_store)
    _save_other_learner(file_store)
    file_store.close()
    raw = sqlite3.connect(db_path)
    try:
        raw.execute("PRAGMA secure_delete=OFF")
        raw.execute("DELETE FROM answer_revisions WHERE learner = 'learner-a'")
        raw.commit()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    assert _found(db_path)

    with AnswerStore(f"sqlite:///{db_path}") as reopened:
        assert reopened.erase_learner("learner-a") == 0
        assert _found(db_path) == []
        kept = reopened.latest("learner-b", "m2s1", "chime-now")
        assert kept is not None and kept.value == "B's second thoughts"


def test_erase_removes_every_revision_and_counts_them(store):
    store.save("learner-a", "m2s1", "chime-now", "one")
    store.save("learner-a", "m2s1", "chime-now", "two")
    store.save("learner-a", "profile", "display-name", "A")
    store.save("learner-b", "m2s1", "chime-now", "B")
    assert store.count_revisions("learner-a") == 3

    assert store.erase_learner("learner-a") == 3

    assert store.count_revisions("learner-a") == 0
    assert store.history("learner-a", "m2s1", "chime-now") == []
    assert store.count_revisions("learner-b") == 1


def test_erasing_a_learner_with_no_answers_removes_nothing(store):
    store.save("learner-b", "m2s1", "chime-now", "B")
    assert store.erase_learner("nobody") == 0
    assert store.count_revisions("learner-b") == 1


def test_a_reader_that_blocks_the_scrub_is_reported_after_the_rows_are_gone(db_path):
    from peerkit.store.erase import ScrubIncomplete

    with AnswerStore(f"sqlite:///{db_path}") as file_store:
        saves = _save_canaries(file_store)
        file_store.wait_briefly(50)  # the scrub's blocked checkpoint gives up quickly
        reader = sqlite3.connect(db_path, isolation_level=None)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM answer_revisions").fetchall()
            with pytest.raises(ScrubIncomplete) as caught:
                file_store.erase_learner("learner-a")
        finally:
            reader.close()
        assert caught.value.removed == saves
        assert CANARY not in str(caught.value)
        assert "Close the other course pages" in str(caught.value)
        assert file_store.current_answers("learner-a") == []
        file_store.erase_learner("learner-a")  # with the reader gone, erasing again scrubs
        assert _found(db_path) == []


def test_versions_text():
    from peerkit.store.erase import versions_text

    assert versions_text(1) == "1 saved version"
    assert versions_text(0) == "0 saved versions"
    assert versions_text(12) == "12 saved versions"
