"""The SQL behind the group boards' ideas (``AnswerStore``'s idea methods call these).

Each function runs inside the store's transaction, which says whom it acts for
(PostgreSQL's row-level security: peerkit/store/postgres.py).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from peerkit.store.ideas import HIDDEN, WITHDRAWN, Idea, NoSuchIdea
from peerkit.store.rows import aware, inserted_id
from peerkit.store.schema import board_ideas as ideas
from peerkit.store.schema import idea_changes as changes


def add(
    conn: Connection,
    learner: str,
    cohort: str,
    where: tuple[str, str],
    text: str,
    named: bool,
    key: str,
) -> int:
    """The idea's id on ``cohort``'s board (added once: a known ``key`` returns the same id)."""
    session, board = where
    found = conn.execute(
        select(ideas.c.id).where(
            ideas.c.learner == learner, ideas.c.cohort == cohort, ideas.c.client_key == key
        )
    ).first()
    if found is not None:
        return int(found.id)
    result = conn.execute(
        ideas.insert().values(
            learner=learner, cohort=cohort, session=session, board=board, text=text,
            named=named, client_key=key, added_at=datetime.now(UTC),
        )
    )  # fmt: skip
    return inserted_id(result)


def on_board(
    conn: Connection,
    viewer: str,
    cohorts: Collection[str],
    where: tuple[str, str],
    facilitating: bool,
) -> list[Idea]:
    """The board's ideas as ``viewer`` may see them, oldest first.

    Withdrawn ideas are gone for everyone. A hidden idea is shown to its contributor
    (with the reason) and to the facilitators (marked), to nobody else.
    """
    session, board = where
    chosen = (
        ideas.c.cohort.in_(sorted(set(cohorts))),
        ideas.c.session == session,
        ideas.c.board == board,
    )
    return _read(conn, viewer, chosen, facilitating=facilitating, withdrawn=False)


def own(conn: Connection, learner: str) -> list[Idea]:
    """Every idea ``learner`` added, withdrawn ones too (their portfolio), oldest first."""
    return _read(conn, learner, (ideas.c.learner == learner,), facilitating=False, withdrawn=True)


def _read(
    conn: Connection, viewer: str, chosen: tuple[Any, ...], *, facilitating: bool, withdrawn: bool
) -> list[Idea]:
    rows = conn.execute(select(ideas).where(*chosen).order_by(ideas.c.id)).all()
    if not rows:
        return []
    newest = (
        select(func.max(changes.c.id))
        .where(changes.c.idea.in_([row.id for row in rows]))
        .group_by(changes.c.idea)
    )
    last = {row.idea: row for row in conn.execute(select(changes).where(changes.c.id.in_(newest)))}
    gone = _withdrawn(conn, [row.id for row in rows])
    shown = []
    for row in rows:
        change = last.get(row.id)
        # Taken off the board is for good, whatever was recorded after it.
        kind = WITHDRAWN if row.id in gone else change.kind if change is not None else ""
        mine = row.learner == viewer
        if kind == WITHDRAWN and not withdrawn:
            continue
        if kind == HIDDEN and not (mine or facilitating):
            continue
        shown.append(
            Idea(
                id=row.id,
                cohort=row.cohort,
                session=row.session,
                board=row.board,
                text=row.text,
                learner=row.learner if (row.named or mine) else None,
                named=bool(row.named),
                mine=mine,
                hidden=kind == HIDDEN,
                reason=change.reason if kind == HIDDEN and change is not None else "",
                added_at=aware(row.added_at),
                withdrawn=kind == WITHDRAWN,
            )
        )
    return shown


def record(
    conn: Connection,
    idea: int,
    where: tuple[str, str],
    kind: str,
    reason: str,
    author: str,
    only: Any,
) -> tuple[str, str, str, str]:
    """Record ``kind`` for the idea on board ``where`` (session, board), where ``only``
    allows; its (learner, cohort, session, board).

    Raises NoSuchIdea when the idea is not there (on another board too), or not this
    person's to change; or when it is to be hidden but its contributor took it off the
    board (withdrawn is for good: hiding it would show it to the facilitators again).
    """
    session, board = where
    on_it = (ideas.c.id == idea, ideas.c.session == session, ideas.c.board == board)
    row = conn.execute(select(ideas).where(*on_it, only)).first()
    if row is None or (kind == HIDDEN and _withdrawn(conn, [idea])):
        raise NoSuchIdea("That idea is not one you can change.")
    conn.execute(
        changes.insert().values(
            idea=idea, learner=row.learner, cohort=row.cohort, kind=kind, reason=reason,
            author=author, changed_at=datetime.now(UTC),
        )
    )  # fmt: skip
    return row.learner, row.cohort, row.session, row.board


def _withdrawn(conn: Connection, among: list[int]) -> set[int]:
    """Which of these ideas their contributor has taken off the board."""
    query = select(changes.c.idea).where(changes.c.idea.in_(among), changes.c.kind == WITHDRAWN)
    return {int(idea) for idea in conn.execute(query).scalars()}
