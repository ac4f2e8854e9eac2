"""The answer store: revisions, isolation, SQLite privacy and durability, errors."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import event, select

from peerkit.errors import AnswerRejected, StoreError
from peerkit.store.answer_store import AnswerStore
from peerkit.store.schema import SCHEMA_VERSION, meta
from peerkit.store.sqlite import BUSY_TIMEOUT_MS
from tests.store_writers import run_writers

CANARY = "CANARY-learner-text-7f3a9c"


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def _url(path):
    return f"sqlite:///{path}"


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "private" / "answers.sqlite3"


@pytest.fixture
def file_store(db_path):
    with AnswerStore(_url(db_path)) as answer_store:
        yield answer_store


def _exception_chain(exc):
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


# --- save / latest / history / current_answers --------------------------------


def test_save_then_latest_returns_the_value(store):
    saved = store.save("alex", "m2s1", "chime-now", "Connectedness feels strong.")
    latest = store.latest("alex", "m2s1", "chime-now")
    assert latest is not None
    assert latest.value == "Connectedness feels strong."
    assert latest.id == saved.id
    assert (latest.learner, latest.session, latest.exercise) == ("alex", "m2s1", "chime-now")
    assert latest.saved_at.tzinfo is not None
    assert latest.saved_at.utcoffset() == UTC.utcoffset(None)


def test_latest_is_none_before_any_save(store):
    assert store.latest("alex", "m2s1", "chime-now") is None
    assert store.history("alex", "m2s1", "chime-now") == []
    assert store.current_answers("alex") == []


def test_structured_values_round_trip(store):
    value = {"i-commit": "Listening", "i-need": ["Patience", "Honesty"]}
    store.save("alex", "m2s1", "core-behaviours", value)
    assert store.latest("alex", "m2s1", "core-behaviours").value == value


def test_unchanged_value_makes_no_new_revision(store):
    first = store.save("alex", "m2s1", "chime-now", "Same text")
    again = store.save("alex", "m2s1", "chime-now", "Same text")
    assert again.id == first.id
    assert len(store.history("alex", "m2s1", "chime-now")) == 1


def test_value_equal_after_normalising_makes_no_new_revision(store):
    first = store.save("alex", "m2s1", "boxes", {"b": "two", "a": ["x", "y"]})
    again = store.save("alex", "m2s1", "boxes", {"a": ("x", "y"), "b": "two"})
    assert again.id == first.id
    assert len(store.history("alex", "m2s1", "boxes")) == 1


def test_overwrite_keeps_earlier_revisions(store):
    store.save("alex", "m2s1", "chime-now", "First draft")
    store.save("alex", "m2s1", "chime-now", "Second draft")
    store.save("alex", "m2s1", "chime-now", "First draft")
    history = store.history("alex", "m2s1", "chime-now")
    assert [r.value for r in history] == ["First draft", "Second draft", "First draft"]
    assert [r.id for r in history] == sorted(r.id for r in history)
    assert len({r.id for r in history}) == 3
    assert store.latest("alex", "m2s1", "chime-now").value == "First draft"


def test_current_answers_gives_newest_revision_of_each_exercise(store):
    store.save("alex", "m2s1", "chime-now", "old")
    store.save("alex", "m2s1", "chime-now", "new")
    store.save("alex", "m2s1", "who-am-i-map", {"i-am": "curious"})
    store.save("alex", "m2s2", "values", ["Hope"])
    current = store.current_answers("alex")
    by_key = {(r.session, r.exercise): r.value for r in current}
    assert by_key == {
        ("m2s1", "chime-now"): "new",
        ("m2s1", "who-am-i-map"): {"i-am": "curious"},
        ("m2s2", "values"): ["Hope"],
    }
    only_s1 = store.current_answers("alex", "m2s1")
    assert {(r.session, r.exercise) for r in only_s1} == {
        ("m2s1", "chime-now"),
        ("m2s1", "who-am-i-map"),
    }


def test_all_revisions_gives_every_revision_ordered_by_session_exercise_id(
    store: AnswerStore,
) -> None:
    store.save("alex", "m2s2", "values", ["Hope"])
    store.save("alex", "m2s1", "who-am-i-map", {"i-am": "curious"})
    store.save("alex", "m2s1", "chime-now", "old")
    store.save("sam", "m2s1", "chime-now", "Sam's answer")
    store.save("alex", "m2s1", "chime-now", "new")
    store.save("alex", "m2s2", "values", ["Hope", "Trust"])
    revisions = store.all_revisions("alex")
    assert [(r.session, r.exercise, r.value) for r in revisions] == [
        ("m2s1", "chime-now", "old"),
        ("m2s1", "chime-now", "new"),
        ("m2s1", "who-am-i-map", {"i-am": "curious"}),
        ("m2s2", "values", ["Hope"]),
        ("m2s2", "values", ["Hope", "Trust"]),
    ]
    assert {r.learner for r in revisions} == {"alex"}
    for session, exercise in {(r.session, r.exercise) for r in revisions}:
        history = store.history("alex", session, exercise)
        assert [r for r in revisions if (r.session, r.exercise) == (session, exercise)] == history
    assert store.all_revisions("nobody") == []


def test_all_revisions_is_one_query(store: AnswerStore) -> None:
    for n in range(5):
        store.save("alex", f"m2s{n}", "chime-now", "first")
        store.save("alex", f"m2s{n}", "chime-now", "second")
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        revisions = store.all_revisions("alex")
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(revisions) == 10
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_learners_are_isolated(store):
    store.save("alex", "m2s1", "chime-now", "Alex's answer")
    store.save("sam", "m2s1", "chime-now", "Sam's answer")
    assert store.latest("alex", "m2s1", "chime-now").value == "Alex's answer"
    assert store.latest("sam", "m2s1", "chime-now").value == "Sam's answer"
    assert [r.value for r in store.history("alex", "m2s1", "chime-now")] == ["Alex's answer"]
    assert [r.learner for r in store.current_answers("sam")] == ["sam"]
    assert store.latest("nobody", "m2s1", "chime-now") is None


def test_sessions_are_isolated(store):
    store.save("alex", "m2s1", "reflection", "Session one")
    store.save("alex", "m2s2", "reflection", "Session two")
    assert store.latest("alex", "m2s1", "reflection").value == "Session one"
    assert store.latest("alex", "m2s2", "reflection").value == "Session two"
    assert [r.value for r in store.current_answers("alex", "m2s2")] == ["Session two"]


def test_rejected_answer_is_not_saved(store):
    with pytest.raises(AnswerRejected):
        store.save("alex", "m2s1", "chime-now", 42)
    assert store.latest("alex", "m2s1", "chime-now") is None


# --- file database: permissions ------------------------------------------------


def test_file_database_folder_is_0700_and_file_is_0600(file_store, db_path):
    assert db_path.is_file()
    assert _mode(db_path.parent) == 0o700
    assert _mode(db_path) == 0o600


def test_existing_loose_file_permissions_are_tightened(db_path: Path) -> None:
    db_path.parent.mkdir(mode=0o700)
    db_path.touch()
    db_path.chmod(0o644)
    wal = db_path.with_name(db_path.name + "-wal")
    wal.touch()
    wal.chmod(0o644)
    with AnswerStore(_url(db_path)):
        assert _mode(db_path) == 0o600
        assert _mode(wal) == 0o600


@pytest.mark.parametrize("folder_mode", [0o1777, 0o755])
def test_folder_peerkit_did_not_create_keeps_its_mode(tmp_path: Path, folder_mode: int) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(folder_mode)
    db_path = folder / "answers.sqlite3"
    with AnswerStore(_url(db_path)) as answer_store:
        answer_store.save("alex", "m2s1", "chime-now", "private words")
        assert _mode(folder) == folder_mode
        assert _mode(db_path) == 0o600


def test_missing_folders_are_created_0700_one_by_one(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    db_path = tmp_path / "outer" / "inner" / "answers.sqlite3"
    old_umask = os.umask(0o002)  # a loose umask must not loosen the folders
    try:
        with AnswerStore(_url(db_path)):
            pass
    finally:
        os.umask(old_umask)
    assert _mode(tmp_path / "outer") == 0o700
    assert _mode(tmp_path / "outer" / "inner") == 0o700
    assert _mode(tmp_path) == 0o755
    assert _mode(db_path) == 0o600


def test_wal_and_shm_files_are_0600(file_store, db_path):
    file_store.save("alex", "m2s1", "chime-now", "private words")
    with file_store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM answer_revisions").scalar()
        raw = sqlite3.connect(db_path)
        try:
            raw.execute("SELECT count(*) FROM answer_revisions").fetchone()
            sides = [
                db_path.with_name(db_path.name + suffix)
                for suffix in ("-wal", "-shm")
                if db_path.with_name(db_path.name + suffix).exists()
            ]
            assert sides, "a WAL database with open connections should have -wal/-shm files"
            for side in sides:
                assert _mode(side) == 0o600, side.name
        finally:
            raw.close()


# --- file database: pragmas and schema -----------------------------------------


def test_pragmas_in_force_on_a_fresh_connection(file_store):
    file_store.engine.dispose()  # drop pooled connections: the next one is new
    with file_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar().lower() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_schema_version_row_exists(file_store):
    with file_store.engine.connect() as conn:
        rows = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).all()
    assert [row.value for row in rows] == [str(SCHEMA_VERSION)]


def test_reopen_keeps_answers(db_path):
    with AnswerStore(_url(db_path)) as first:
        first.save("alex", "m2s1", "chime-now", "Kept across restarts")
        first.save("alex", "m2s1", "chime-now", "Second version")
    with AnswerStore(_url(db_path)) as second:
        history = second.history("alex", "m2s1", "chime-now")
        assert [r.value for r in history] == ["Kept across restarts", "Second version"]
    with AnswerStore(_url(db_path)) as third, third.engine.connect() as conn:
        count = conn.exec_driver_sql(
            "SELECT count(*) FROM peerkit_meta WHERE key = 'schema_version'"
        ).scalar()
    assert count == 1


def test_newer_schema_version_is_refused_and_answers_untouched(db_path):
    newer = SCHEMA_VERSION + 1
    with AnswerStore(_url(db_path)) as answer_store:
        answer_store.save("alex", "m2s1", "chime-now", "Do not lose me")
        with answer_store.engine.begin() as conn:
            conn.execute(
                meta.update().where(meta.c.key == "schema_version").values(value=str(newer))
            )
    with pytest.raises(StoreError, match=rf"\b{newer}\b"):
        AnswerStore(_url(db_path))
    raw = sqlite3.connect(db_path)
    try:
        values = [row[0] for row in raw.execute("SELECT value FROM answer_revisions")]
        version = raw.execute(
            "SELECT value FROM peerkit_meta WHERE key = 'schema_version'"
        ).fetchone()[0]
    finally:
        raw.close()
    assert values == ['"Do not lose me"']
    assert version == str(newer)


def test_older_schema_without_migration_is_refused(db_path):
    with AnswerStore(_url(db_path)) as answer_store, answer_store.engine.begin() as conn:
        conn.execute(meta.update().where(meta.c.key == "schema_version").values(value="0"))
    with pytest.raises(StoreError, match="version 0"):
        AnswerStore(_url(db_path))


# --- errors ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["not a database url", "nosuchdialect://user@host/db"])
def test_bad_url_raises_store_error(url):
    with pytest.raises(StoreError):
        AnswerStore(url)


def _assert_no_canary(exc):
    chain = _exception_chain(exc)
    assert len(chain) >= 2, "StoreError should chain the underlying database error"
    for link in chain:
        assert CANARY not in str(link)
        assert CANARY not in repr(link)
        assert not any(CANARY in str(arg) for arg in link.args)


def test_store_error_hides_learner_text_when_insert_fails(file_store):
    with file_store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON answer_revisions "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        )
    with pytest.raises(StoreError) as info:
        file_store.save("alex", "m2s1", "chime-now", f"My secret: {CANARY}")
    _assert_no_canary(info.value)
    assert "refused" in str(info.value.__cause__)  # the insert itself is what failed


def test_store_error_hides_learner_text_when_table_is_missing(store):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE answer_revisions")
    with pytest.raises(StoreError) as info:
        store.save("alex", "m2s1", "chime-now", f"My secret: {CANARY}")
    _assert_no_canary(info.value)


# --- concurrency -------------------------------------------------------------------


def test_two_threads_saving_to_one_file_lose_nothing(db_path: Path) -> None:
    per_thread = 50
    stores = [AnswerStore(_url(db_path)), AnswerStore(_url(db_path))]
    barrier = threading.Barrier(len(stores))
    errors: list[BaseException] = []

    def work(index: int, answer_store: AnswerStore) -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                answer_store.save("alex", "m2s1", "chime-now", f"thread {index} draft {n}")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate(stores, start=1)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for answer_store in stores:
            answer_store.close()
    assert errors == []
    with AnswerStore(_url(db_path)) as check:
        history = check.history("alex", "m2s1", "chime-now")
    assert len(history) == 2 * per_thread
    assert {r.value for r in history} == {
        f"thread {i} draft {n}" for i in (1, 2) for n in range(per_thread)
    }
    assert len({r.id for r in history}) == 2 * per_thread


def test_kernels_saving_at_once_in_their_own_processes_lose_nothing(db_path: Path) -> None:
    """As a class's kernels on one SQLite file: six processes, each its own store and
    learner, saving flat out; every save each was told of is there, in order, and only
    those (tests/store_writers.py, which the store benchmark runs at 50 for 30 s)."""
    found = run_writers(db_path, writers=6, seconds=1.5)
    assert found["writers_crashed"] == 0 and found["errors"] == 0
    assert min(found["acknowledged"]) > 0, "a writer saved nothing"
    assert (found["lost"], found["unacknowledged"], found["out_of_order"]) == (0, 0, 0)
    assert found["integrity"] == "ok" and found["problems"] == 0


# --- lock waits ------------------------------------------------------------------


def _hold_write_lock(db_path: Path) -> sqlite3.Connection:
    """Another connection with an open write transaction (as another kernel mid-save)."""
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO peerkit_meta (key, value) VALUES ('lock-test', 'held')")
    return holder


def test_a_blocked_write_waits_for_the_lock_by_default(
    file_store: AnswerStore, db_path: Path
) -> None:
    holder = _hold_write_lock(db_path)
    results: list[object] = []

    def save() -> None:
        try:
            results.append(file_store.save("alex", "m2s1", "chime-now", "waited"))
        except BaseException as exc:  # reported by the main thread
            results.append(exc)

    thread = threading.Thread(target=save)
    try:
        thread.start()
        thread.join(timeout=1.5)
        assert thread.is_alive(), "the save should still be waiting for the lock"
    finally:
        holder.execute("COMMIT")
        holder.close()
        thread.join()
    assert len(results) == 1 and not isinstance(results[0], BaseException), results
    waited = file_store.latest("alex", "m2s1", "chime-now")
    assert waited is not None and waited.value == "waited"


def test_wait_briefly_makes_a_blocked_write_fail_within_a_second(
    file_store: AnswerStore, db_path: Path
) -> None:
    file_store.wait_briefly()
    assert file_store.busy_timeout_ms <= 500
    holder = _hold_write_lock(db_path)
    try:
        started = time.monotonic()
        with pytest.raises(StoreError):
            file_store.save("alex", "m2s1", "chime-now", "gave up")
        elapsed = time.monotonic() - started
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert elapsed < 1.0
    assert elapsed >= file_store.busy_timeout_ms / 1000 * 0.8  # it did wait, briefly
    assert file_store.latest("alex", "m2s1", "chime-now") is None
    file_store.save("alex", "m2s1", "chime-now", "once free")  # the lock is free again
    saved = file_store.latest("alex", "m2s1", "chime-now")
    assert saved is not None and saved.value == "once free"


def test_busy_timeout_is_set_on_each_transaction(file_store: AnswerStore) -> None:
    with file_store._write() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
    file_store.wait_briefly(250)
    with file_store._write() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
    with file_store._read("alex") as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 250
