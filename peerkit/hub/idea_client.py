"""A learner's kernel's side of the group boards' ideas: calls to the service, and a
thread that hears when a board changes (server-sent events) and says so.

Made by ``ServiceStore.idea_boards`` (only a class has group boards). Standard
library only; nothing here holds more than the learner's own token.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from peerkit.errors import StoreError
from peerkit.store.ideas import Idea, IdeaRejected

if TYPE_CHECKING:
    from peerkit.hub.client import ServiceStore

#: How long a quiet event stream may be silent (the service sends a line every 15 s).
STREAM_TIMEOUT_SECONDS = 60.0
#: Wait this long before listening again after the stream drops.
RETRY_SECONDS = 2.0


def idea_from_json(data: Any, session: str = "", board: str = "") -> Idea:
    """An idea from the service's JSON; raises ValueError (no text of it) if malformed."""
    if not isinstance(data, dict):
        raise ValueError("not an idea")
    try:
        who = data["who"]
        return Idea(
            id=int(data["id"]),
            cohort="",
            session=str(data.get("session", session)),
            board=str(data.get("board", board)),
            text=str(data["text"]),
            learner=None if who is None else str(who),
            named=data["named"] is True,
            mine=data["mine"] is True,
            hidden=data["hidden"] is True,
            reason=str(data["reason"]),
            added_at=datetime.fromisoformat(str(data["added_at"])),
            withdrawn=data.get("withdrawn") is True,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not an idea") from exc


class IdeaBoards:
    """One learner's group boards, through the service: each group's board apart."""

    def __init__(self, store: ServiceStore) -> None:
        self.store = store

    @staticmethod
    def path(session: str, board: str, *rest: str, group: str | None = None) -> str:
        path = "/".join(("ideas", quote(session, safe=""), quote(board, safe=""), *rest))
        return path if group is None else f"{path}?{urlencode({'group': group})}"

    def groups(self) -> list[str]:
        """The learner's groups now (asked again: they may have changed since the page opened)."""
        data = self.store.call("GET", "whoami")
        listed = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(listed, list):
            raise StoreError("The course's answer service refused the request.")
        return [g for g in listed if isinstance(g, str)]

    def read(self, session: str, board: str, group: str) -> tuple[list[Idea], bool]:
        """``group``'s board's ideas as this learner may see them, and whether they facilitate."""
        data = self.store.call("GET", self.path(session, board, group=group))
        try:
            ideas = [idea_from_json(item, session, board) for item in data["ideas"]]
            return ideas, data["facilitating"] is True
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError("The course's answer service refused the request.") from exc

    def own(self) -> list[Idea]:
        """Every idea this learner added (withdrawn ones too)."""
        data = self.store.call("GET", "ideas")
        try:
            return [idea_from_json(item) for item in data["ideas"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError("The course's answer service refused the request.") from exc

    def add(
        self, session: str, board: str, group: str, text: str, *, named: bool, key: str
    ) -> None:
        """Add the learner's idea to ``group``'s board only."""
        body = {"text": text, "named": named, "key": key, "group": group}
        self.store.call("POST", self.path(session, board), body, refusal=IdeaRejected)

    def withdraw(self, session: str, board: str, idea: int) -> None:
        self.store.call("DELETE", self.path(session, board, str(int(idea))))

    def hide(self, session: str, board: str, idea: int, reason: str) -> None:
        path = self.path(session, board, str(int(idea)), "hide")
        self.store.call("POST", path, {"reason": reason}, refusal=IdeaRejected)

    def listen(
        self, session: str, board: str, group: str, changed: Callable[[], None]
    ) -> threading.Event:
        """Call ``changed()`` (from a thread) whenever ``group``'s board changes, until
        the returned event is set. Reconnects when the stream drops."""
        stop = threading.Event()
        path = self.path(session, board, "events", group=group)

        def run() -> None:
            while not stop.is_set():
                try:
                    response = self.store.stream(path, STREAM_TIMEOUT_SECONDS)
                except StoreError:
                    stop.wait(RETRY_SECONDS)
                    continue
                try:
                    changed()  # anything missed while away
                    while not stop.is_set():
                        line = response.readline()
                        if not line:
                            break
                        if line.strip() == b"event: changed":
                            changed()
                except (OSError, http.client.HTTPException):
                    pass
                finally:
                    response.close()
                stop.wait(RETRY_SECONDS)

        threading.Thread(target=run, name=f"peerkit-board-{board}", daemon=True).start()
        return stop
