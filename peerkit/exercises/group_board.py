"""A group's board beside an exercise, in a class: the group's ideas, kept live.

An exercise declared with ``group_board=True`` shows, in a class, the ideas its
group added to the board: without a name unless the contributor gave it. The
learner can add theirs (without their name by default), take their own off, and
read why a facilitator hid one of theirs; a facilitator can hide one, saying why.
Someone in several groups sees one group's board at a time, the one they choose
(none until they do), and adds only to it. The kernel hears of changes from the
service (peerkit/hub/idea_client.py) and sends the board again: the view's ``board``
trait, ``{"ideas": [{"id", "text", "who", "mine", "hidden", "reason"}],
"facilitating", "error", "groups", "group"}`` (``group`` "": none chosen yet).
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
CHOOSE = "Choose which group\u2019s board first: your idea goes to that group only."
MOVED = (
    "The board shown changed before your idea was sent, so it was not added. "
    "Check which group\u2019s board is chosen, then add it again."
)


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
    """One exercise's board (of the chosen group): read now, read again whenever the
    service says it changed."""

    def __init__(self, view: ExerciseView, boards: IdeaBoards, session: str, board: str) -> None:
        self.view = view
        self.boards = boards
        self.where = (session, board)
        self._lock = threading.Lock()
        try:
            self.groups = boards.groups()  # now, not when the kernel started
        except StoreError:
            self.groups = list(boards.store.groups)
        # One group: its board, as ever. Several: none until the learner says which,
        # so nothing is read from, or added to, a board they did not choose.
        self.group = self.groups[0] if len(self.groups) == 1 else ""
        self.stop: threading.Event | None = None
        self._listen()
        self.refresh()

    def _listen(self) -> None:
        if self.group:
            self.stop = self.boards.listen(*self.where, self.group, self.refresh)

    def _state(self, ideas: list[Idea], facilitating: bool) -> dict[str, Any]:
        return {
            "ideas": [idea_state(i) for i in ideas],
            "facilitating": facilitating,
            "error": "",
            "groups": list(self.groups),
            "group": self.group,
        }

    def refresh(self) -> None:
        """Read the board and send it to the page (from the listening thread too)."""
        with self._lock:
            if not self.group:
                self.view.board = self._state([], False)
                return
            try:
                ideas, facilitating = self.boards.read(*self.where, self.group)
            except StoreError:
                self.view.board = {**self.view.board, "error": UNREADABLE}
                return
            self.view.board = self._state(ideas, facilitating)

    def choose(self, group: object) -> None:
        """Show ``group``'s board (one of the learner's groups; "" for none)."""
        if not isinstance(group, str) or (group and group not in self.groups):
            raise ValueError("not one of the learner's groups")
        with self._lock:
            if group == self.group:
                return
            self.group, stop, self.stop = group, self.stop, None
        if stop is not None:
            stop.set()
        self._listen()
        self.refresh()

    def handle(self, content: dict[str, Any]) -> dict[str, Any]:
        """One of the page's requests: choose a group's board, add an idea, take one's
        own off, or hide one."""
        kind = content.get("type")
        try:
            if kind == "idea-group":
                self.choose(content.get("group"))
                return {"type": "idea-done", "request": kind, "group": self.group}
            if kind == "idea-add":
                text, key = content.get("text"), content.get("key")
                if not isinstance(text, str) or not isinstance(key, str):
                    raise IdeaRejected("Write your idea first.")
                group = self.group
                if not group:
                    raise IdeaRejected(CHOOSE)
                if content.get("group") != group:  # the page showed another board
                    raise IdeaRejected(MOVED)
                named = content.get("named") is True
                self.boards.add(*self.where, group, text, named=named, key=key)
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
