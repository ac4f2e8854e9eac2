"""Erasing for good: every revision of a learner, and every copy SQLite keeps.

Called through ``AnswerStore.erase_learner``.

SQLite keeps old page images in its write-ahead log and in free pages. The store
sets ``secure_delete`` on every connection, so deleted rows are overwritten with
zeros; after the delete the WAL is checkpointed and truncated, the file is
rebuilt with VACUUM (temporary data in memory), and the WAL truncated again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from peerkit.errors import StoreError
from peerkit.store.postgres import LEARNER_OPTION
from peerkit.store.schema import answer_consent as consents
from peerkit.store.schema import answer_revisions as revisions
from peerkit.store.schema import answer_submissions as submissions
from peerkit.store.schema import board_ideas as ideas
from peerkit.store.schema import draft_keys, idea_changes
from peerkit.store.schema import submission_feedback as feedback
from peerkit.store.sqlite import BUSY_OPTION, BUSY_TIMEOUT_MS, WRITE_OPTION

_SCRUB = (
    "PRAGMA wal_checkpoint(TRUNCATE)",
    "PRAGMA temp_store=MEMORY",
    "VACUUM",
    "PRAGMA wal_checkpoint(TRUNCATE)",
)

TIDY_FAILED = "The answers were erased, but the database file could not be tidied."
TIDY_BLOCKED = (
    "The answers were erased, but another open course page kept old copies in the "
    "database's log. Close the other course pages and erase again to clear them."
)


class ScrubIncomplete(StoreError):
    """The answers were erased, but the database file could not be fully tidied."""

    def __init__(self, message: str, removed: int) -> None:
        super().__init__(message)
        self.removed = removed


def versions_text(count: int) -> str:
    """'1 saved version', '3 saved versions'."""
    return f"{count} saved version" + ("" if count == 1 else "s")


def count_revisions(engine: Engine, learner: str) -> int:
    """How many saved revisions the learner has (what ``erase_learner`` would remove)."""
    query = select(func.count()).select_from(revisions).where(revisions.c.learner == learner)
    try:
        with engine.connect().execution_options(**{LEARNER_OPTION: learner}) as conn:
            return int(conn.execute(query).scalar_one())
    except SQLAlchemyError as exc:
        raise StoreError("Could not read the answers database.") from exc


def erase_learner(engine: Engine, learner: str, *, sqlite: bool) -> int:
    """Delete all that is ``learner``'s at once: revisions, choices, submissions, ideas, draft key.

    Returns how many revisions were removed.

    For SQLite, then scrub the database file and its WAL so no copy of the text
    survives. Raises StoreError (never holding learner text) when nothing could be
    erased, and ScrubIncomplete when the rows are gone but a copy may remain.
    """
    try:
        conn = engine.connect().execution_options(**{WRITE_OPTION: True, LEARNER_OPTION: learner})
        with conn, conn.begin():
            removed = conn.execute(delete(revisions).where(revisions.c.learner == learner))
            count = removed.rowcount
            # Without its key, a draft left in any browser can never be read again.
            conn.execute(delete(draft_keys).where(draft_keys.c.learner == learner))
            # With the answers gone, so is every choice about who could see them.
            conn.execute(delete(consents).where(consents.c.learner == learner))
            # And every submitted copy, with the feedback written on it.
            conn.execute(delete(feedback).where(feedback.c.learner == learner))
            conn.execute(delete(submissions).where(submissions.c.learner == learner))
            # And every idea they added to a group's board, with what became of it.
            conn.execute(delete(idea_changes).where(idea_changes.c.learner == learner))
            conn.execute(delete(ideas).where(ideas.c.learner == learner))
    except SQLAlchemyError as exc:
        raise StoreError("Could not erase the answers.") from exc
    if sqlite:
        try:
            scrub_sqlite(engine)
        except StoreError as exc:
            raise ScrubIncomplete(str(exc), count) from exc
    return count


def scrub_sqlite(engine: Engine) -> None:
    """Checkpoint and truncate the WAL and VACUUM the file, outside any transaction."""
    try:
        raw = engine.raw_connection()
    except SQLAlchemyError as exc:
        raise StoreError(TIDY_FAILED) from exc
    # Outside any transaction, so the "begin" event has not set the store's lock wait.
    timeout_ms = int(engine.get_execution_options().get(BUSY_OPTION, BUSY_TIMEOUT_MS))
    rows: Sequence[Any] = []
    try:
        cursor = raw.cursor()
        try:
            for statement in (f"PRAGMA busy_timeout={timeout_ms}", *_SCRUB):
                cursor.execute(statement)
                rows = cursor.fetchall()
        finally:
            cursor.close()
    except sqlite3.Error as exc:
        raise StoreError(TIDY_FAILED) from exc
    finally:
        raw.close()
    if rows and rows[0][0]:  # the last checkpoint was blocked by another reader
        raise StoreError(TIDY_BLOCKED)
