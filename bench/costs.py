"""What things cost: a learner's kernel, the answer store under many writers, the export."""

from __future__ import annotations

import json
import multiprocessing
import queue
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from . import common
from .common import NOTEBOOK_PATH, SESSION_ID, log, summary

#: Runs in a fresh kernel: time and resident memory (/proc/self/statm) after each step.
KERNEL_CODE = r"""
import json as _j, os as _o, time as _t
def _mark():
    with open('/proc/self/statm') as f:
        return _t.perf_counter(), int(f.read().split()[1]) * _o.sysconf('SC_PAGE_SIZE')
_m = [_mark()]
import peerkit
_m.append(_mark())
exec(compile(%(first)r, 'cell-1', 'exec'))
_m.append(_mark())
print(_j.dumps(_m))
"""
#: Steps, as (from mark, to mark): marks are before, after import, after open_session.
STEPS = {"import peerkit": (0, 1), "first open_session": (1, 2), "import + open_session": (0, 2)}


def one_kernel(env: dict[str, str]) -> tuple[float, list[list[float]]]:
    """Start a kernel as Voilà does and run the code: (seconds to ready, its marks)."""
    from jupyter_client.manager import start_new_kernel

    nb = json.loads(NOTEBOOK_PATH.read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    code = KERNEL_CODE % {"first": next(src for src in cells if "open_session" in src)}
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(NOTEBOOK_PATH.parent))
    ready = time.perf_counter() - started
    out: list[dict[str, Any]] = []  # what the kernel sent
    try:
        reply = kc.execute_interactive(code, output_hook=out.append, timeout=120)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"kernel code failed: {reply['content'].get('ename')}")
    text = [m["content"]["text"] for m in out if m["content"].get("name") == "stdout"]
    return ready, json.loads("".join(text).strip().splitlines()[-1])


def kernel_cost(env: dict[str, str], runs: int) -> dict[str, Any]:
    env = {**env, "VOILA_BASE_URL": "/"}  # as in a Voilà kernel
    ready, marks = [], []
    for index in range(runs):
        seconds, kernel_marks = one_kernel(env)
        ready.append(seconds)
        marks.append(kernel_marks)
        log(f"kernel {index + 1}/{runs}: {(marks[-1][2][0] - marks[-1][0][0]) * 1000:.0f} ms")
    out: dict[str, Any] = {"runs": runs, "start_to_ready_ms": summary(ready, 1000)}
    for step, (a, b) in STEPS.items():
        out[step] = {
            "ms": summary((m[b][0] - m[a][0] for m in marks), 1000),
            "mb": summary((m[b][1] - m[a][1] for m in marks), 2**-20),
        }
    return out


EXERCISES = ("chime-now", "core-behaviours", "map-and-peer-relationship")
QUERY = "SELECT value FROM answer_revisions WHERE learner = ? AND exercise = ? ORDER BY id"
FILLER = "this week I noticed how much it helps to be listened to without being rushed. " * 5


def answer(writer: int, index: int) -> str:
    return f"load-learner-{writer:02d} save {index}: {FILLER}"


def writer(index: int, url: str, seconds: float, every: float, barrier: Any, out: Any) -> None:
    """One learner's kernel: its own AnswerStore and learner id, saving new texts for
    `seconds`, as fast as it can or once per `every` s; reports what was acknowledged."""
    store = common.AnswerStore(url)
    latencies, errors, acked = [], 0, []
    barrier.wait(timeout=120)
    start = time.perf_counter()
    next_at = start + every * index / 50
    for n in range(200_000):  # bounded in count as well as in time
        if every:
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += every
        if time.perf_counter() >= start + seconds:
            break
        began = time.perf_counter()
        try:
            store.save(f"load-learner-{index:02d}", SESSION_ID, EXERCISES[n % 3], answer(index, n))
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
                rows = conn.execute(QUERY, (f"load-learner-{index:02d}", exercise))
                stored = [json.loads(value) for (value,) in rows]
                want = [answer(index, n) for n in acked if n % 3 == k]
                lost += len(set(want) - set(stored))
                extra += len(set(stored) - set(want))
                out_of_order += [v for v in stored if v in set(want)] != want
    return dict(lost=lost, unacknowledged=extra, out_of_order=out_of_order, integrity=integrity)


def store_load(path: Path, writers: int, seconds: float, every: float = 0.0) -> dict[str, Any]:
    url = f"sqlite:///{path}"
    common.AnswerStore(url).close()  # the schema, before the writers start
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
        "latency_ms": summary(latencies, 1000),
        "errors": errors,
        "writers_crashed": writers - len(done),
        **checked,
        "problems": errors + writers - len(done) + wrong + (checked["integrity"] != "ok"),
    }


def export_speed(revisions: int, words: int, repeat: int) -> dict[str, Any]:
    """Every exercise of the course answered `revisions` times with ~`words` words per
    text field; seconds per export format (first run and best of `repeat`)."""
    course, learner = common.load_course(), "bench-learner"
    text = "Today I noticed how hope shows up in small things: a walk, a message. "
    out: dict[str, Any] = {"revisions": revisions, "words_per_field": words}
    with (
        tempfile.TemporaryDirectory() as folder,
        common.AnswerStore(f"sqlite:///{Path(folder) / 'answers.sqlite3'}") as store,
    ):
        for n in range(revisions):
            maker = (f"(v{n}) {{}}: " + text * (words // 14)).format  # a text per place
            for session, exercise, value in common.sample_answers(course, maker):
                store.save(learner, session, exercise, value)
        for fmt in common.FORMATS:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                data = common.export_portfolio(fmt, learner, store, course)
                times.append(time.perf_counter() - started)
            best = {"first_s": round(times[0], 3), "best_s": round(min(times), 3)}
            out[fmt] = {"kb": round(len(data) / 1024), **best}
    out["slowest_s"] = max(v["first_s"] for v in out.values() if isinstance(v, dict))
    return out
