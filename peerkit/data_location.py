"""Where a learner's answers are kept, in plain words."""

from __future__ import annotations

from .store import AnswerStore

SERVER = "your course's database server"
IN_MEMORY = "a temporary in-memory database (gone when the course closes)"


def database_location(store: AnswerStore) -> str:
    """The SQLite file's path, or the course's database server for other databases."""
    if not store.is_sqlite:
        return SERVER
    if store.path is None:
        return IN_MEMORY
    return str(store.path)
