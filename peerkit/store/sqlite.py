"""SQLite durability and privacy: file permissions and per-connection pragmas."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: How long a transaction waits for another connection's lock before failing.
BUSY_TIMEOUT_MS = 10_000
#: The wait for a last save that must finish soon (the kernel is shutting down).
BRIEF_BUSY_TIMEOUT_MS = 500
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
)
#: Execution option that makes a transaction start with BEGIN IMMEDIATE.
WRITE_OPTION = "peerkit_write"
#: Execution option: the transaction's lock wait in milliseconds (else BUSY_TIMEOUT_MS).
BUSY_OPTION = "peerkit_busy_timeout_ms"


def prepare_file(path: Path) -> list[Path]:
    """Create the database's missing folders (0700) and its file (0600) before SQLite does.

    Only folders made here are given mode 0700: a folder that already exists (such as
    /tmp, mode 1777) keeps its mode. SQLite gives the -wal and -shm files the database
    file's permissions. Returns the folders made, outermost first.
    """
    created = make_folders(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.chmod(side, 0o600)
    return created


def make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents one by one, each 0700; return those made."""
    missing: list[Path] = []
    current = folder
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    created: list[Path] = []
    for each in reversed(missing):
        try:
            each.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by someone else: not ours to change
            continue
        os.chmod(each, 0o700)  # exactly 0700, whatever the umask made of it
        created.append(each)
    return created


def install_pragmas(engine: Engine) -> None:
    """Set the pragmas on every new connection and take writes with BEGIN IMMEDIATE.

    Each transaction first sets its own lock wait (the BUSY_OPTION execution option),
    since a pooled connection keeps whatever wait an earlier transaction set.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not the driver, open transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        timeout_ms = int(options.get(BUSY_OPTION, BUSY_TIMEOUT_MS))
        connection.exec_driver_sql(f"PRAGMA busy_timeout={timeout_ms}").close()
        if options.get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
