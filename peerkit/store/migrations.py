"""Schema creation and versioned migrations, so existing answers survive upgrades."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, inspect, select

from peerkit.errors import StoreError
from peerkit.store.schema import (
    SCHEMA_VERSION,
    answer_consent,
    answer_submissions,
    board_ideas,
    draft_keys,
    group_agreements,
    idea_changes,
    meta,
    metadata,
    submission_feedback,
)

#: MIGRATIONS[n] upgrades a database from version n to n + 1, inside one transaction.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


def _add_draft_keys(conn: Connection) -> None:
    """Version 1 -> 2: the draft_keys table (``create_all`` has just made it)."""
    draft_keys.create(conn, checkfirst=True)


def _add_answer_consent(conn: Connection) -> None:
    """Version 2 -> 3: the answer_consent table (every answer private until chosen)."""
    answer_consent.create(conn, checkfirst=True)


def _add_submissions(conn: Connection) -> None:
    """Version 3 -> 4: submissions and feedback, group agreements, ideas on group boards."""
    for table in (
        answer_submissions,
        submission_feedback,
        group_agreements,
        board_ideas,
        idea_changes,
    ):
        table.create(conn, checkfirst=True)


def _add_consent_cohort(conn: Connection) -> None:
    """Version 4 -> 5: which group a choice of "my group" is for (none in older rows)."""
    columns = {c["name"] for c in inspect(conn).get_columns("answer_consent")}
    if "cohort" not in columns:
        conn.exec_driver_sql("ALTER TABLE answer_consent ADD COLUMN cohort VARCHAR(200)")


MIGRATIONS[1] = _add_draft_keys
MIGRATIONS[2] = _add_answer_consent
MIGRATIONS[3] = _add_submissions
MIGRATIONS[4] = _add_consent_cohort


def ensure_schema(conn: Connection) -> int:
    """Create missing tables, then migrate to SCHEMA_VERSION. Returns the version."""
    metadata.create_all(conn, checkfirst=True)
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    if row is None:
        conn.execute(meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
        return SCHEMA_VERSION
    version = int(row.value)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"The answers database has schema version {version}, newer than this peerkit "
            f"understands ({SCHEMA_VERSION}). Upgrade peerkit; the answers are untouched."
        )
    if version == SCHEMA_VERSION:
        return version  # nothing to write (a role that may only read peerkit_meta)
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(f"No migration from answers schema version {version}.")
        step(conn)
        version += 1
    conn.execute(meta.update().where(meta.c.key == "schema_version").values(value=str(version)))
    return version
