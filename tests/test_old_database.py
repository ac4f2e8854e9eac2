"""A database written by an earlier peerkit opens with today's store and shows every answer.

The fixture ``fixtures/answers-main-e042dbb.sqlite3`` was written by the store on
``main`` at e042dbb, by ``fixtures/make_old_database.py`` (see ``fixtures/README.md``).
"""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

from peerkit.store.answer_store import AnswerStore
from peerkit.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
OLD_DATABASE = FIXTURES / "answers-main-e042dbb.sqlite3"


def _maker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_old_database", FIXTURES / "make_old_database.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPECTED = _maker().EXPECTED


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "answers.sqlite3"
    shutil.copyfile(OLD_DATABASE, path)
    return path


def test_fixture_holds_every_expected_revision(tmp_path: Path) -> None:
    raw = sqlite3.connect(_copy(tmp_path))  # a copy: opening a WAL file adds -wal, -shm
    try:
        count = raw.execute("SELECT count(*) FROM answer_revisions").fetchone()[0]
    finally:
        raw.close()
    assert count == sum(len(values) for *_key, values in EXPECTED)


def test_old_database_shows_every_answer_and_revision(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with AnswerStore(f"sqlite:///{path}") as store:
        for learner, session, exercise, values in EXPECTED:
            history = store.history(learner, session, exercise)
            assert [r.value for r in history] == values, (learner, session, exercise)
            latest = store.latest(learner, session, exercise)
            assert latest is not None and latest.value == values[-1]
            assert latest.saved_at.tzinfo is not None
        for learner in {row[0] for row in EXPECTED}:
            mine = [row for row in EXPECTED if row[0] == learner]
            assert store.count_revisions(learner) == sum(len(row[3]) for row in mine)
            current = {(r.session, r.exercise): r.value for r in store.current_answers(learner)}
            assert current == {(s, e): values[-1] for _, s, e, values in mine}
            assert len(store.all_revisions(learner)) == store.count_revisions(learner)


def test_old_database_takes_new_answers_and_keeps_its_version(tmp_path: Path) -> None:
    path = _copy(tmp_path)
    with AnswerStore(f"sqlite:///{path}") as store:
        store.save("alex", "m2s1", "chime-now", "Written after the upgrade")
        values = [r.value for r in store.history("alex", "m2s1", "chime-now")]
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql(
                "SELECT value FROM peerkit_meta WHERE key = 'schema_version'"
            ).scalar()
    assert values == ["First draft", "Second draft", "First draft", "Written after the upgrade"]
    assert version == str(SCHEMA_VERSION)
