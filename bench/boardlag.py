"""How soon a shared answer reaches the boards, with a whole class's boards open.

A real class (PostgreSQL, the peerkit service, JupyterHub and node's proxy), no
servers spawned: the boards are the service's own pages. Every learner and the
facilitator has their board for one session open, as a browser has it: listening to
its server-sent events through the proxy and fetching the board's fragment again on
each event. Each learner in turn saves an answer shared with the group (by name);
measured is the time from the save being sent to the text being in the fragment of
(a) the facilitator's board and (b) the next learner's group board. Then the ideas
boards in the session pages, as a learner's kernel has them (``peerkit/hub/idea_client.py``:
the ideas' event stream, and the board's ideas fetched again on each event): each
learner in turn adds an idea, and measured is the time until it is in (c) the next
learner's board of ideas.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from .classload import stats
from .common import log

SESSION, EXERCISE = "m1s1", "my-hopes"
IDEAS = "ideas/m2s1/core-behaviours"  # a group board beside an exercise (group_board=True)
PREFIX = "/services/peerkit/"
WAIT_SECONDS = 10.0
RETRY_SECONDS = 2.0  # the streams' "retry:", which a browser's EventSource waits


class Board:
    """One open board: its event stream read in a thread, refetching on every event.

    ``kind`` "board" or "group" is a session's board page (its fragment); a path of the
    service's API such as ``ideas/m2s1/core-behaviours`` is a board of ideas (its JSON).
    """

    def __init__(self, base: str, token: str, kind: str) -> None:
        self.base, self.token = base, token
        if kind in {"board", "group"}:
            self.events = f"{PREFIX}{kind}/{SESSION}/events"
            self.contents = f"{PREFIX}{kind}/{SESSION}/fragment"
        else:
            self.events, self.contents = f"{PREFIX}api/{kind}/events", f"{PREFIX}api/{kind}"
        self.seen: dict[str, float] = {}
        self.lock = threading.Condition()
        self.opened = threading.Event()
        self.fetches = 0
        self.errors: list[str] = []
        self.response: Any = None
        self.closed = threading.Event()
        self.reconnects = 0
        threading.Thread(target=self._listen, daemon=True).start()
        assert self.opened.wait(30), f"a board's event stream did not open: {self.errors}"

    def _get(self, path: str) -> Any:
        request = urllib.request.Request(
            self.base + path, headers={"Authorization": f"token {self.token}"}
        )
        return urllib.request.urlopen(request, timeout=60)

    def _listen(self) -> None:
        """Read the stream; when it ends, connect again after the stream's retry time, as
        a browser's EventSource does, and fetch the board again (counted in ``reconnects``)."""
        while not self.closed.is_set():
            try:
                self.response = self._get(self.events)
                if self.opened.is_set():
                    self._refetch()  # what changed while the stream was down
                for raw in self.response:
                    line = raw.decode().strip()
                    if line.startswith("retry:"):
                        self.opened.set()
                    elif line == "event: changed":
                        try:
                            self._refetch()
                        except OSError as exc:  # counted, and the board keeps listening
                            code = str(getattr(exc, "code", ""))
                            self.errors.append(f"{type(exc).__name__} {code}".strip())
                self.errors.append("stream ended")
            except (OSError, ValueError, AttributeError) as exc:
                self.errors.append("stream ended: " + type(exc).__name__)
            if self.closed.wait(RETRY_SECONDS):
                return
            self.reconnects += 1

    def _refetch(self) -> None:
        with self._get(self.contents) as response:
            text = response.read().decode()
        now = time.perf_counter()
        self.fetches += 1
        with self.lock:
            for marker in text.split("MARK-")[1:]:
                self.seen.setdefault(marker[:12], now)
            self.lock.notify_all()

    def wait_for(self, marker: str) -> float | None:
        with self.lock:
            if self.lock.wait_for(lambda: marker in self.seen, WAIT_SECONDS):
                return self.seen[marker]
        return None

    def close(self) -> None:
        self.closed.set()
        if self.response is not None:
            self.response.close()


def run_boards(work: Path, size: dict[str, int]) -> dict[str, Any]:
    from peerkit.hub.classroom import Classroom
    from peerkit.hub.hub_config import ClassPlan
    from tests.running_class import ADMIN_SERVICE, RunningClass, free_port

    count = size["class"]
    names = [f"learner{i:02d}" for i in range(1, count + 1)]
    folder = Path(
        tempfile.mkdtemp(prefix="bench-boards-", dir="/var/tmp" if os.geteuid() == 0 else None)
    )
    admin = uuid.uuid4().hex + uuid.uuid4().hex
    plan = ClassPlan(
        folder, port=free_port(), hub_port=free_port(), proxy_api_port=free_port(),
        service_port=free_port(), learners=tuple(names), facilitators=("fran",),
        extra_services=({"name": ADMIN_SERVICE, "api_token": admin},),
        extra_roles=({"name": ADMIN_SERVICE, "scopes": ["admin:users", "tokens", "read:users"],
                      "services": [ADMIN_SERVICE]},),
    )  # fmt: skip
    classroom = Classroom(plan)
    boards: list[Board] = []
    out: dict[str, Any] = {"learners": count, "saves": count * size["board_saves"]}
    try:
        classroom.start()
        rc = RunningClass(classroom, admin)
        tokens = {name: rc.token_for(name) for name in [*names, "fran"]}
        path = f"answers/{SESSION}/{EXERCISE}"
        for name in names:
            status, _ = rc.service_call(
                "PUT", path + "/consent", tokens[name], {"audience": "group-named"}
            )
            assert status == 200, status
        facilitator = Board(plan.url, tokens["fran"], "board")
        groups = {name: Board(plan.url, tokens[name], "group") for name in names}
        boards = [facilitator, *groups.values()]
        log(f"boards: {len(boards)} boards open; {out['saves']} saves")
        to_facilitator: list[float | None] = []
        to_group: list[float | None] = []
        for round_ in range(size["board_saves"]):
            for i, name in enumerate(names):
                marker = f"{round_:03d}{i:03d}{uuid.uuid4().hex[:6]}"
                other = groups[names[(i + 1) % count]]
                sent = time.perf_counter()
                body = {"value": f"An idea MARK-{marker}", "base": None}
                status, _ = rc.service_call("PUT", path, tokens[name], body)
                assert status == 200, status
                for board, found in ((facilitator, to_facilitator), (other, to_group)):
                    seen = board.wait_for(marker)
                    found.append(None if seen is None else seen - sent)
        lost = sum(v is None for v in to_facilitator + to_group)
        fetches = sum(b.fetches for b in boards)
        ideas = {name: Board(plan.url, tokens[name], IDEAS) for name in names}
        boards += ideas.values()
        to_ideas: list[float | None] = []
        replies: list[float | None] = []  # the adder's wait for "added"
        log(f"boards: {len(ideas)} boards of ideas open; {out['saves']} ideas")
        for round_ in range(size["board_saves"]):
            for i, name in enumerate(names):
                marker = f"{round_:03d}{i:03d}{uuid.uuid4().hex[:6]}"
                sent = time.perf_counter()
                body = {"text": f"An idea MARK-{marker}", "key": marker}
                status, _ = rc.service_call("POST", IDEAS, tokens[name], body)
                assert status == 200, status
                replies.append(time.perf_counter() - sent)
                seen = ideas[names[(i + 1) % count]].wait_for(marker)
                to_ideas.append(None if seen is None else seen - sent)
        out.update(
            to_facilitator_ms=stats(to_facilitator, 1000),
            to_group_board_ms=stats(to_group, 1000),
            not_shown_within_10_s=lost,
            fragment_fetches=fetches,
            idea_to_group_ms=stats(to_ideas, 1000),
            idea_added_reply_ms=stats(replies, 1000),
            ideas_not_shown_within_10_s=sum(v is None for v in to_ideas),
            idea_fetches=sum(b.fetches for b in ideas.values()),
            board_errors=sorted({e for b in boards for e in b.errors}),
            stream_reconnects=sum(b.reconnects for b in boards),
        )
    finally:
        for board in boards:
            board.close()
        classroom.stop()
        shutil.copytree(folder / "logs", work / "logs" / "boards", dirs_exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
    return out
