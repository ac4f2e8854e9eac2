"""Many learners' kernels saving to one SQLite file at once, each its own process with its
own AnswerStore and learner: what each was told was saved, and whether the file holds
exactly that, in order. For tests/test_store.py and the store benchmark (bench/costs.py)."""

from __future__ import annotations

import json
import multiprocessing
import queue
import sqlite3
import time
from pathlib import Path
from typing import Any

from peerkit.store.answer_store import AnswerStore

SESSION_ID = "m2s1"

EXERCISES = ("chime-now", "core-behaviours", "map-and-peer-relationship")
QUERY = "SELECT value FROM answer_revisions WHERE learner = ? AND exercise = ? ORDER BY id"
FILLER = "this week I noticed how much it helps to be listened to without being rushed. " * 5


def learner(writer: int) -> str:
    return f"load-learner-{writer:02d}"


def answer(writer: int, index: int) -> str:
    return f"{learner(writer)} save {index}: {FILLER}"


def writer(index: int, url: str, seconds: float, every: float, barrier: Any, out: Any) -> None:
    """One learner's kernel: its own AnswerStore and learner id, saving new texts for
    `seconds`, as fast as it can or once per `every` s; reports what was acknowledged."""
    store = AnswerStore(url)
    latencies, errors, acked = [], 0, []
    barrier.wait(timeout=120)
    start = time.perf_counter()
    next_at = start + every * index / barrier.parties  # the writers' saves spread out
    for n in range(200_000):  # bounded in count as well as in time
        if every:
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += every
        if time.perf_counter() >= start + seconds:
            break
        began = time.perf_counter()
        try:
            store.save(learner(index), SESSION_ID, EXERCISES[n % 3], answer(index, n))
        except Exception:  # counted and reported, never hidden
            errors += 1
            continue
        latencies.append(time.perf_counter() - began)
        acked.append(n)
    store.close()
    out.put((index, latencies, errors, acked, start, time.perf_counter()))


def verify(path: Path, writers: list[tuple]) -> dict[str, Any]:
    """Every acknowledged save is in the database, in order, and nothing else is."""
    lost = extra = out_of_order = 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        for index, *_, acked, _start, _end in writers:
            for k, exercise in enumerate(EXERCISES):
                rows = conn.execute(QUERY, (learner(index), exercise))
                stored = [json.loads(value) for (value,) in rows]
                want = [answer(index, n) for n in acked if n % 3 == k]
                lost += len(set(want) - set(stored))
                extra += len(set(stored) - set(want))
                out_of_order += [v for v in stored if v in set(want)] != want
    return dict(lost=lost, unacknowledged=extra, out_of_order=out_of_order, integrity=integrity)


def run_writers(path: Path, writers: int, seconds: float, every: float = 0.0) -> dict[str, Any]:
    """`writers` processes save for `seconds` (flat out, or once per `every` s each); what
    went wrong (`problems` counts it all) and each acknowledged save's time in s."""
    url = f"sqlite:///{path}"
    AnswerStore(url).close()  # the schema, before the writers start
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(writers), ctx.Queue()
    procs = [
        ctx.Process(target=writer, args=(i, url, seconds, every, barrier, out), daemon=True)
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    done: list[tuple] = []
    deadline = time.perf_counter() + seconds + 180
    while len(done) < writers and time.perf_counter() < deadline:
        try:
            done.append(out.get(timeout=5))
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                break
    for proc in procs:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
    checked, errors = verify(path, done), sum(d[2] for d in done)
    wrong = checked["lost"] + checked["unacknowledged"] + checked["out_of_order"]
    latencies = [x for d in done for x in d[1]]
    elapsed = max((d[5] for d in done), default=0) - min((d[4] for d in done), default=0)
    return {
        "writers": writers,
        "seconds": seconds,
        "save_every_s": every or None,
        "saves_per_s": round(len(latencies) / elapsed) if elapsed > 0 else None,
        "latencies_s": latencies,
        "acknowledged": [len(d[3]) for d in done],
        "errors": errors,
        "writers_crashed": writers - len(done),
        **checked,
        "problems": errors + writers - len(done) + wrong + (checked["integrity"] != "ok"),
    }
