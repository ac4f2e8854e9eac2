"""What things cost: a learner's kernel, the answer store under many writers, the export."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.store_writers import run_writers

from . import common
from .common import NOTEBOOK_PATH, log, summary

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


def store_load(path: Path, writers: int, seconds: float, every: float = 0.0) -> dict[str, Any]:
    """The tests' writers (tests/store_writers.py), many more of them for longer."""
    found = run_writers(path, writers, seconds, every)
    found.pop("acknowledged")
    return {**found, "latency_ms": summary(found.pop("latencies_s"), 1000)}


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
