"""How soon a shared answer or an idea reaches the boards, with a whole class's boards open
(bench/README.md, "boards"): no servers spawned; each board is open as a browser (or, for
the ideas, a kernel) has it: its event stream, and its contents fetched again on each event.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.classroom.callers import SERVICE, Caller, EventStream

from .classload import a_class
from .common import log, summary

SESSION, EXERCISE = "m1s1", "my-hopes"
IDEAS = "ideas/m2s1/core-behaviours"  # a group board beside an exercise (group_board=True)
WAIT_SECONDS = 10.0


class Board:
    """One open board (the tests' EventStream) and when each marker was first in it: a
    session's "board" or "group" page (its fragment), or a board of ideas (its JSON)."""

    def __init__(self, url: str, token: str, kind: str) -> None:
        page = kind in {"board", "group"}
        self.url, self.caller = url, Caller(kind, "", token)
        self.contents = f"{SERVICE}{kind}/{SESSION}/fragment" if page else f"{SERVICE}api/{kind}"
        events = f"{SERVICE}{kind}/{SESSION}/events" if page else f"{self.contents}/events"
        self.seen: dict[str, float] = {}
        self.errors: set[str] = set()
        self.arrived, self.fetches = threading.Condition(), 0
        stream = self.caller.listen(url, events, on_change=self.refetch)
        assert isinstance(stream, EventStream), stream
        self.stream = stream

    def refetch(self) -> None:
        try:
            reply = self.caller.send(self.url, "GET", self.contents)
        except OSError as exc:  # counted, and the board keeps listening
            self.errors.add(type(exc).__name__)
            return
        now = time.perf_counter()
        if reply.status != 200:
            self.errors.add(f"http {reply.status}")
        with self.arrived:
            self.fetches += 1
            for marker in reply.text.split("MARK-")[1:]:
                self.seen.setdefault(marker[:12], now)
            self.arrived.notify_all()

    def wait_for(self, marker: str) -> float | None:
        with self.arrived:
            if self.arrived.wait_for(lambda: marker in self.seen, WAIT_SECONDS):
                return self.seen[marker]
        return None


def rounds(count: int, times: int, send: Callable[[int, str], None],
           boards: Callable[[int], list[Board]]) -> list[list[float | None]]:  # fmt: skip
    """Each learner in turn sends a marked text, `times` rounds; the seconds until it was
    in each of boards(learner) (None: not within WAIT_SECONDS)."""
    found: list[list[float | None]] = [[] for _ in boards(0)]
    for round_ in range(times):
        for i in range(count):
            marker, sent = f"{round_:03d}{i:03d}{uuid.uuid4().hex[:6]}", time.perf_counter()
            send(i, marker)
            for series, board in zip(found, boards(i), strict=True):
                seen = board.wait_for(marker)
                series.append(None if seen is None else seen - sent)
    return found


def run_boards(work: Path, size: dict[str, int]) -> dict[str, Any]:
    count, times = size["class"], size["board_saves"]
    names = tuple(f"learner{i:02d}" for i in range(1, count + 1))
    with a_class(work, "boards", names) as rc:
        tokens = {name: rc.token_for(name) for name in [*names, "fran"]}
        path, replies = f"answers/{SESSION}/{EXERCISE}", []

        def call(method: str, path: str, i: int, body: dict) -> None:
            status, _ = rc.service_call(method, path, tokens[names[i]], body)
            assert status == 200, status

        for i in range(count):
            call("PUT", path + "/consent", i, {"audience": "group-named"})
        facilitator = Board(rc.plan.url, tokens["fran"], "board")
        groups = [Board(rc.plan.url, tokens[name], "group") for name in names]
        boards = [facilitator, *groups]
        log(f"boards: {len(boards)} boards open; {count * times} saves")

        def share(i: int, marker: str) -> None:
            call("PUT", path, i, {"value": f"An idea MARK-{marker}", "base": None})

        def add_idea(i: int, marker: str) -> None:
            sent = time.perf_counter()
            call("POST", IDEAS, i, {"text": f"An idea MARK-{marker}", "key": marker})
            replies.append(time.perf_counter() - sent)

        next_group = [groups[(i + 1) % count] for i in range(count)]
        to_fran, to_group = rounds(count, times, share, lambda i: [facilitator, next_group[i]])
        ideas = [Board(rc.plan.url, tokens[name], IDEAS) for name in names]
        log(f"boards: {len(ideas)} boards of ideas open; {count * times} ideas")
        (to_ideas,) = rounds(count, times, add_idea, lambda i: [ideas[(i + 1) % count]])
        for board in [*boards, *ideas]:
            board.stream.close()
    return {
        "learners": count,
        "saves": count * times,
        "to_facilitator_ms": summary(to_fran, 1000),
        "to_group_board_ms": summary(to_group, 1000),
        "not_shown_within_10_s": sum(v is None for v in to_fran + to_group),
        "fragment_fetches": sum(b.fetches for b in boards),
        "idea_to_group_ms": summary(to_ideas, 1000),
        "idea_added_reply_ms": summary(replies, 1000),
        "ideas_not_shown_within_10_s": sum(v is None for v in to_ideas),
        "board_errors": sorted({e for b in [*boards, *ideas] for e in b.errors}),
    }
