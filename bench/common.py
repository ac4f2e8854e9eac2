"""Shared pieces: what bench takes from peerkit and the tests, servers, processes, statistics."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

# Everything bench uses from peerkit, in one place, so that a rename is one edit here.
from peerkit.course.answer_ids import NAME_EXERCISE, PROFILE_SESSION
from peerkit.course.data import load_course  # noqa: F401
from peerkit.course.notebooks import exercise_ids  # noqa: F401
from peerkit.exercises.autosave import AUTOSAVE_DELAY  # noqa: F401
from peerkit.paths import HOME_NOTEBOOK as HOME  # noqa: F401
from peerkit.paths import MY_DATA_NOTEBOOK as MY_DATA  # noqa: F401
from peerkit.portfolio import FORMATS, export_portfolio  # noqa: F401
from peerkit.portfolio.sample import sample_answers  # noqa: F401
from peerkit.serve.voila_config import preheat_plan_for  # noqa: F401
from peerkit.store.answer_store import AnswerStore  # noqa: F401

# One server fixture and one set of Chromium flags, shared with the browser tests.
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401
from tests.browser.page_problems import Problems  # noqa: F401
from tests.browser.server import CourseServer

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "module2/01-chime.ipynb"
#: Where the course home's name box keeps its answer (session, exercise).
HOME_NAME_ANSWER = (PROFILE_SESSION, NAME_EXERCISE)


def home_expected(name: str) -> dict[str, Any]:
    """The course home as the probe sees it usable: two tools (the name and the CHIME
    wheel), the name box showing ``name``, the name saved for it (HOME_NAME_ANSWER)."""
    return {"texts": [name], "exercises": 2, "box": ".peerkit-widget input[type=text]",
            "parts": ".peerkit-widget"}  # fmt: skip


NOTEBOOK_PATH = ROOT / "notebooks" / NOTEBOOK
SESSION_ID = "m2s1"
LEARNER = "bench-learner"
MARK = "Saved answer "  # every prefilled text starts with this
PYTHON = sys.executable
TOKEN = secrets.token_hex(16)
#: Plus a resolver rule that fails every host name but loopback: no outside requests.
BENCH_CHROMIUM_ARGS = [
    *CHROMIUM_ARGS,
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
#: The exercise front end's maximum wait between saves while typing goes on, in s.
_JS = (ROOT / "peerkit" / "exercises" / "static" / "exercise.js").read_text(encoding="utf-8")
MAX_WAIT = int(re.search(r"MAX_WAIT_MS = (\d+)", _JS)[1]) / 1000  # type: ignore[index]

_pause = threading.Event()


def pause(seconds: float) -> None:
    """A bounded wait between polls."""
    _pause.wait(seconds)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def summary(values: Iterable[float | None], scale: float = 1.0) -> dict[str, Any]:
    """n, p50, p95, p99 (linear between closest ranks), min and max, each times scale and
    rounded; None values are skipped."""
    data = sorted(v * scale for v in values if v is not None)
    if not data:
        return {"n": 0}
    cuts = statistics.quantiles(data * 2 if len(data) == 1 else data, n=100, method="inclusive")
    stats = {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "min": data[0], "max": data[-1]}
    return {"n": len(data), **{k: round(v, 1) for k, v in stats.items()}}


# --- processes: any of them may exit at any moment, and then counts as nothing ----------


def read(procs: Iterable[psutil.Process], what: str) -> list[Any]:
    """``proc.<what>()`` of each process that still exists (and may be read)."""
    found = []
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            found.append(getattr(proc, what)())
    return found


def tree(pid: int) -> list[psutil.Process]:
    """A process and every process under it, or [] if it has exited."""
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]
    return []


def memory(procs: Iterable[psutil.Process]) -> dict[str, float]:
    """Summed PSS (shared pages shared out among their users) and RSS, in MB."""
    infos = read(procs, "memory_full_info")
    mb = {"pss_mb": sum(i.pss for i in infos), "rss_mb": sum(i.rss for i in infos)}
    return {**{k: round(v / 2**20, 1) for k, v in mb.items()}, "processes": len(infos)}


# --- servers -------------------------------------------------------------------


class Server(CourseServer):
    """The browser tests' server, named, with its own log, and optionally another
    command line (plain Voilà, a static file server); `page` is the page measured."""

    def __init__(
        self,
        label: str,
        work: Path,
        command: Callable[[int], list[str]] | None = None,
        path: str | None = None,
        preheat: bool = True,
    ) -> None:
        super().__init__(work / "answers.sqlite3", LEARNER, token=TOKEN, preheat=preheat)
        self.name, self.argv, self.path = label, command, path
        self.log = work / "logs" / f"{label}.log"

    @property
    def page(self) -> str:
        return self.page_url(NOTEBOOK) if self.path is None else self.url + self.path

    def start(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        if self.argv is None:
            super().start()  # exactly `peerkit serve`, as in the browser tests
            return self
        env = {**os.environ, "PEERKIT_TOKEN": self.token or ""}
        env.update(PEERKIT_DATABASE_URL=f"sqlite:///{self.database}", PEERKIT_LEARNER=LEARNER)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv(self.port), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
            )
        deadline = time.perf_counter() + 120
        while self.process.poll() is None and time.perf_counter() < deadline:
            try:
                urllib.request.urlopen(self.url + (self.path or "/"), timeout=5).close()
                return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                pause(0.25)
        raise RuntimeError(f"{self.name} did not start; see {self.log}")

    def procs(self) -> list[psutil.Process]:
        return tree(self.process.pid) if self.process else []

    def wait(
        self, ready: Callable[[int], bool], timeout: float, idle: bool = False
    ) -> float | None:
        """Poll (bounded) until ready(kernel count) and, if asked, the whole tree uses
        no CPU for 0.25 s; the seconds that took, or None on timeout."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if ready(len(self.kernels())):
                before = cpu_seconds(procs := self.procs())
                if idle:
                    pause(0.25)
                if not idle or cpu_seconds(procs) - before < 0.025:
                    return round(time.perf_counter() - start, 1)
            pause(0.05)
        return None

    def wait_quiet(self, timeout: float, kernels: int = 0) -> float | None:
        """Wait until at least `kernels` kernels run and the server is idle."""
        return self.wait(lambda n: n >= kernels, timeout, idle=True)

    def stop(self) -> None:
        """Stop the server (Voilà stops its kernels), then whatever of its tree is left."""
        left = self.procs()[1:]
        super().stop()
        for proc in psutil.wait_procs(left, timeout=15)[1]:
            with contextlib.suppress(psutil.Error):
                proc.kill()


def cpu_seconds(procs: Iterable[psutil.Process]) -> float:
    return sum(t.user + t.system for t in read(procs, "cpu_times"))


def machine() -> dict[str, Any]:
    cpu = re.search(r"model name\s*: (.*)", Path("/proc/cpuinfo").read_text())
    names = ("voila", "jupyter_server", "ipykernel", "ipywidgets", "SQLAlchemy", "playwright")
    versions = [f"Python {platform.python_version()}"]
    versions += [f"{n} {metadata.version(n)}" for n in names]
    cores = f"{cpu[1] if cpu else '?'}, {os.cpu_count()} cores"
    return {"cpu": cores, "software": ", ".join(versions), "loadavg_before": os.getloadavg()[0]}


def write_json(path: Path, data: object) -> None:
    """Indented JSON with every innermost object or list on one line (short to read)."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    text = re.sub(r"[{\[][^{}\[\]]*[}\]]", lambda m: re.sub(r"\n *", " ", m[0]), text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
