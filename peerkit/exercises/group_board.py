"""A group's board beside an exercise, in a class: the group's ideas, kept live.

An exercise declared with ``group_board=True`` shows, in a class, the ideas its
group added to the board: without a name unless the contributor gave it. The
learner can add theirs (without their name by default), take their own off, and
read why a facilitator hid one of theirs; a facilitator can hide one, saying why.
The kernel hears of changes from the service (peerkit/hub/idea_client.py) and
sends the board again: the view's ``board`` trait, ``{"ideas": [{"id", "text",
"who", "mine", "hidden", "reason"}], "facilitating", "error"}``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from peerkit.errors import StoreError
from peerkit.store.ideas import Idea, IdeaRejected

if TYPE_CHECKING:
    from peerkit.exercises.view import ExerciseView
    from peerkit.hub.idea_client import IdeaBoards

UNREADABLE = "The group's board cannot be reached just now. It will come back by itself."
NOT_DONE = "That could not be done just now, so the board is as it was. Please try again."


def idea_state(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.id,
        "text": idea.text,
        "who": _who(idea),
        "mine": idea.mine,
        "hidden": idea.hidden,
        "reason": idea.reason,
    }


def _who(idea: Idea) -> str:
    """Who the page says added it ("" for no name: the page says so in words)."""
    if idea.mine:
        return "You, with your name" if idea.named else "You, without your name"
    return idea.learner or ""


class GroupBoard:
    """One exercise's board: read now, read again whenever the service says it changed."""

    def __init__(self, view: ExerciseView, boards: IdeaBoards, session: str, board: str) -> None:
        self.view = view
        self.boards = boards
        self.where = (session, board)
        self._lock = threading.Lock()
        self.refresh()
        self.stop = boards.listen(session, board, self.refresh)

    def refresh(self) -> None:
        """Read the board and send it to the page (from the listening thread too)."""
        with self._lock:
            try:
                ideas, facilitating = self.boards.read(*self.where)
            except StoreError:
                self.view.board = {**self.view.board, "error": UNREADABLE}
                return
            self.view.board = {
                "ideas": [idea_state(i) for i in ideas],
                "facilitating": facilitating,
                "error": "",
            }

    def handle(self, content: dict[str, Any]) -> dict[str, Any]:
        """One of the page's requests: add an idea, take one's own off, or hide one."""
        kind = content.get("type")
        try:
            if kind == "idea-add":
                text, key = content.get("text"), content.get("key")
                if not isinstance(text, str) or not isinstance(key, str):
                    raise IdeaRejected("Write your idea first.")
                named = content.get("named") is True
                self.boards.add(*self.where, text, named=named, key=key)
            elif kind == "idea-withdraw":
                self.boards.withdraw(*self.where, int(content.get("idea", 0)))
            elif kind == "idea-hide":
                reason = content.get("reason")
                reason = reason if isinstance(reason, str) else ""
                self.boards.hide(*self.where, int(content.get("idea", 0)), reason)
            else:
                return {"type": "idea-failed", "message": NOT_DONE}
        except IdeaRejected as exc:
            return {"type": "idea-failed", "message": str(exc), "request": kind}
        except (StoreError, ValueError, TypeError):
            return {"type": "idea-failed", "message": NOT_DONE, "request": kind}
        self.refresh()
        return {"type": "idea-done", "request": kind}
