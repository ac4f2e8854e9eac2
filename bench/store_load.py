"""The answer store under load: many writers saving at once to one SQLite file.

Run in its own process: ``python -m bench.store_load DB WRITERS SECONDS [MODE [EVERY]]``.
Each writer is a process with its own ``AnswerStore``, as each learner's kernel has, and
its own learner id. All start together and save for the given time, each save a new
text; then every acknowledged save is checked against the database. MODE is
``flat-out`` (as fast as they can), ``paced`` (one save per EVERY seconds each, the
most a learner can produce with the autosave pause) or ``fair-lock`` (flat out, with
a blocking file lock taken around each save). Prints one JSON object.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import queue
import sqlite3
import sys
import time
from pathlib import Path

from .common import SESSION_ID, summary

EXERCISES = ("chime-now", "core-behaviours", "map-and-peer-relationship")
FILLER = (
    "Connectedness, hope, identity, meaning and empowerment: this week I noticed "
    "how much it helps to be listened to without being rushed. "
) * 3
#: Upper bound on saves per writer, so the loop is bounded in count as well as time.
MAX_SAVES = 200_000


def learner_id(writer: int) -> str:
    return f"load-learner-{writer:02d}"


def answer(writer: int, index: int) -> str:
    return f"{learner_id(writer)} save {index}: {FILLER}"


def writer(
    index: int, url: str, seconds: float, barrier, results, fair_lock: str = "", every: float = 0.0
) -> None:
    from sqlalchemy import event

    from peerkit.store.answer_store import AnswerStore

    latencies: list[float] = []
    lock_waits: list[float] = []
    errors: dict[str, int] = {}
    acked: dict[str, list[int]] = {ex: [] for ex in EXERCISES}
    learner = learner_id(index)
    start = finished = 0.0
    store = AnswerStore(url)
    locked_at: list[float] = []

    @event.listens_for(store.engine, "begin")
    def _locked(_conn) -> None:
        # Runs after peerkit's own "begin" listener has taken the write lock
        # (BEGIN IMMEDIATE), so this splits a save into lock wait and the rest.
        locked_at.append(time.perf_counter())

    lock_file = open(fair_lock, "a+b") if fair_lock else None  # noqa: SIM115
    try:
        barrier.wait(timeout=120)
        start = time.perf_counter()
        deadline = start + seconds
        # Paced writers start at staggered moments and then save once per interval.
        next_at = start + (every * index / 50 if every else 0.0)
        for n in range(MAX_SAVES):
            if every:
                wait = next_at - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                next_at += every
            if time.perf_counter() >= deadline:
                break
            exercise = EXERCISES[n % len(EXERCISES)]
            began = time.perf_counter()
            locked_at.clear()
            try:
                with _exclusive(lock_file) if lock_file else contextlib.nullcontext():
                    store.save(learner, SESSION_ID, exercise, answer(index, n))
            except Exception as exc:  # counted and reported, never hidden
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            latencies.append(time.perf_counter() - began)
            if locked_at:
                lock_waits.append(locked_at[0] - began)
            acked[exercise].append(n)
        finished = time.perf_counter()
    finally:
        store.close()
        if lock_file:
            lock_file.close()
    results.put(
        {
            "writer": index,
            "latencies": latencies,
            "lock_waits": lock_waits,
            "errors": errors,
            "acked": acked,
            "start": start,
            "end": finished,
        }
    )


@contextlib.contextmanager
def _exclusive(lock_file):
    """A blocking lock around the whole save: waiters sleep in the kernel until it is
    free, instead of in SQLite's busy handler, which polls with growing sleeps."""
    import fcntl

    fcntl.flock(lock_file, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock_file, fcntl.LOCK_UN)


def verify(path: Path, outcomes: list[dict]) -> dict[str, int]:
    """Every acknowledged save is in the database, in order, and nothing else is."""
    lost = extra = out_of_order = 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        for outcome in outcomes:
            learner = learner_id(outcome["writer"])
            for exercise, indexes in outcome["acked"].items():
                rows = conn.execute(
                    "SELECT value FROM answer_revisions WHERE learner = ? AND session = ? "
                    "AND exercise = ? ORDER BY id",
                    (learner, SESSION_ID, exercise),
                ).fetchall()
                stored = [json.loads(value) for (value,) in rows]
                expected = [answer(outcome["writer"], n) for n in indexes]
                stored_set, expected_set = set(stored), set(expected)
                lost += sum(1 for value in expected if value not in stored_set)
                extra += sum(1 for value in stored if value not in expected_set)
                if [v for v in stored if v in expected_set] != expected:
                    out_of_order += 1
    return {
        "lost": lost,
        "unacknowledged_rows": extra,
        "out_of_order_series": out_of_order,
        "integrity_check": integrity,
    }


def run(
    path: Path, writers: int, seconds: float, fair_lock: bool = False, every: float = 0.0
) -> dict[str, object]:
    from peerkit.store.answer_store import AnswerStore

    url = f"sqlite:///{path}"
    with AnswerStore(url):
        pass  # create the schema before the writers start
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=writer,
            args=(i, url, seconds, barrier, results, f"{path}.lock" if fair_lock else "", every),
            daemon=True,
        )
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    outcomes = []
    deadline = time.perf_counter() + seconds + 180
    while len(outcomes) < writers and time.perf_counter() < deadline:
        try:
            outcomes.append(results.get(timeout=5))
        except queue.Empty:
            if not any(p.is_alive() for p in procs) and results.empty():
                break
    for proc in procs:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=10)
    crashed = writers - len(outcomes)
    latencies = [lat for o in outcomes for lat in o["latencies"]]
    lock_waits = [wait for o in outcomes for wait in o["lock_waits"]]
    errors: dict[str, int] = {}
    for outcome in outcomes:
        for name, count in outcome["errors"].items():
            errors[name] = errors.get(name, 0) + count
    start = min(o["start"] for o in outcomes) if outcomes else 0.0
    end = max(o["end"] for o in outcomes) if outcomes else 0.0
    saves = len(latencies)
    return {
        "writers": writers,
        "seconds": seconds,
        "elapsed": end - start,
        "saves": saves,
        "saves_per_second": saves / (end - start) if end > start else None,
        "fair_lock": fair_lock,
        "save_every": every or None,
        "latency": summary(latencies),
        "lock_wait": summary(lock_waits),
        "after_lock": summary([a - b for a, b in zip(latencies, lock_waits, strict=False)])
        if len(latencies) == len(lock_waits)
        else None,
        "errors": errors,
        "error_count": sum(errors.values()),
        "writers_crashed": crashed,
        "answer_chars": len(answer(0, 0)),
        **verify(path, outcomes),
    }


def main(argv: list[str]) -> int:
    path, writers, seconds = Path(argv[0]), int(argv[1]), float(argv[2])
    mode = argv[3] if len(argv) > 3 else "flat-out"
    every = float(argv[4]) if mode == "paced" else 0.0
    print(json.dumps(run(path, writers, seconds, mode == "fair-lock", every)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
