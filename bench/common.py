"""Shared pieces: paths, servers on loopback, process memory, statistics, the machine."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
NOTEBOOK = "module2/01-chime.ipynb"
NOTEBOOK_PATH = ROOT / "notebooks" / NOTEBOOK
SESSION_ID = "m2s1"
LEARNER = "bench-learner"
PYTHON = sys.executable

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: The browser tests' launch arguments (tests/browser/conftest.py), plus a resolver rule
#: that fails every host name except loopback: the benchmark makes no outside requests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]

_pause = threading.Event()


def pause(seconds: float) -> None:
    """A bounded wait between polls (never set, so it always times out)."""
    _pause.wait(seconds)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- statistics ----------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0 to 100), linear between closest ranks; None if empty."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    if len(data) == 1:
        return data[0]
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def summary(values: Iterable[float | None]) -> dict[str, float | int | None]:
    data = [v for v in values if v is not None]
    return {
        "n": len(data),
        "p50": percentile(data, 50),
        "p95": percentile(data, 95),
        "p99": percentile(data, 99),
        "min": min(data) if data else None,
        "max": max(data) if data else None,
    }


# --- processes -----------------------------------------------------------------


def tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants that still exist."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def is_kernel(proc: psutil.Process) -> bool:
    try:
        return "ipykernel_launcher" in " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def memory(procs: Iterable[psutil.Process], full: bool = True) -> dict[str, int]:
    """Summed RSS and, if full, PSS (each shared page shared out among its users), bytes.

    PSS reads every process's smaps, which costs CPU; sample often with full=False."""
    rss = pss = count = 0
    names = []
    for proc in procs:
        try:
            info = proc.memory_full_info() if full else proc.memory_info()
            if full:
                names.append(" ".join(proc.cmdline()[1:3]) or proc.name())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", 0)
        count += 1
    if not full:
        return {"rss": rss, "processes": count}
    return {"rss": rss, "pss": pss, "processes": count, "names": names}


def cpu_seconds(procs: Iterable[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            times = proc.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += times.user + times.system
    return total


# --- servers -------------------------------------------------------------------


@dataclass
class Server:
    """A server process on loopback that the benchmark started (and alone stops)."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    log_path: Path
    path: str = "/"
    ready_path: str = "/voila/static/"
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_after: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.env.get("BENCH_CWD", str(ROOT)),
            )
        self.started_at = time.perf_counter()
        return self

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}")
            try:
                url = f"http://127.0.0.1:{self.port}{self.ready_path}"
                with urllib.request.urlopen(url, timeout=5):
                    pass
            except urllib.error.HTTPError:
                pass  # it answers, so it is up
            except OSError:
                pause(0.1)
                continue
            self.ready_after = time.perf_counter() - self.started_at
            return
        raise RuntimeError(f"{self.name} did not start within {timeout:.0f} s; see {self.log_path}")

    def procs(self) -> list[psutil.Process]:
        return tree(self.process.pid) if self.process else []

    def kernels(self) -> list[psutil.Process]:
        return [p for p in self.procs() if is_kernel(p)]

    def memory(self, full: bool = True) -> dict[str, int]:
        return memory(self.procs(), full)

    def wait_kernels(self, predicate, timeout: float) -> float | None:
        """Poll until predicate(kernel count) holds; seconds taken, or None on timeout."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if predicate(len(self.kernels())):
                return time.perf_counter() - start
            pause(0.05)
        return None

    def wait_quiet(self, timeout: float = 15.0, min_kernels: int = 0) -> bool:
        """Wait until at least min_kernels kernels run and the whole tree is idle."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            procs = self.procs()
            if sum(is_kernel(p) for p in procs) >= min_kernels:
                before = cpu_seconds(procs)
                pause(0.25)
                if cpu_seconds(procs) - before < 0.025:
                    return True
            else:
                pause(0.1)
        return False

    def stop(self) -> None:
        """SIGTERM to Voilà (it then stops its kernels; ``peerkit serve`` exits with it),
        or to the server itself when it is not Voilà; then SIGTERM and SIGKILL for
        whatever is left of this server's own process tree. (Not SIGINT: a shell that
        starts this benchmark in the background may have it ignored.)"""
        if self.process is None:
            return
        procs = self.procs()
        voila = [p for p in procs if _is_voila(p)]
        for proc in voila[:1] or procs[:1]:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _, alive = psutil.wait_procs(procs[1:], timeout=15)
        for proc in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.terminate()
        _, alive = psutil.wait_procs(alive, timeout=10)
        for proc in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        self.process = None


def _is_voila(proc: psutil.Process) -> bool:
    try:
        cmd = proc.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return bool({"voila", "peerkit.serve.voila_app"} & set(cmd[:3])) or any(
        c.endswith("/voila") for c in cmd[:2]
    )


# --- the machine ---------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def filesystem(path: Path) -> str:
    best = ("?", "?", "")
    for part in psutil.disk_partitions(all=True):
        if str(path).startswith(part.mountpoint) and len(part.mountpoint) >= len(best[2]):
            best = (part.fstype, part.device, part.mountpoint)
    return f"{best[0]} ({best[1]} on {best[2]})"


def chromium_version() -> str:
    try:
        out = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        return out.stdout.strip() or out.stderr.strip()
    except OSError as exc:
        return f"unavailable ({exc})"


def versions() -> dict[str, str]:
    found = {}
    for name in ("voila", "jupyter_server", "ipykernel", "ipywidgets", "SQLAlchemy", "playwright"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def cpu_ledger() -> dict[str, float]:
    """CPU seconds so far: the whole machine (busy, and stolen by the hypervisor), and
    this process with every descendant it has reaped (servers, kernels, browsers)."""
    machine_times = psutil.cpu_times()
    busy = sum(
        getattr(machine_times, name, 0.0)
        for name in ("user", "nice", "system", "irq", "softirq", "guest", "guest_nice")
    )
    own = psutil.Process().cpu_times()
    return {
        "machine_busy": busy,
        "steal": getattr(machine_times, "steal", 0.0),
        "bench": own.user + own.system + own.children_user + own.children_system,
        "wall": time.perf_counter(),
    }


def other_load() -> float:
    """CPU busy across the machine over one second, in % of all cores."""
    return psutil.cpu_percent(interval=1.0)


def machine(work: Path) -> dict[str, object]:
    vm = psutil.virtual_memory()
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": round(vm.total / 2**30, 1),
        "os": _os_name(),
        "kernel": platform.release(),
        "virtualised": _virtualised(),
        "python": platform.python_version(),
        "chromium": chromium_version(),
        "packages": versions(),
        "work_filesystem": filesystem(work),
    }


def _virtualised() -> str:
    try:
        out = subprocess.run(
            ["systemd-detect-virt"], capture_output=True, text=True, timeout=10, check=False
        )
        if out.stdout.strip():
            return out.stdout.strip()
    except OSError:
        pass
    flags = ""
    with contextlib.suppress(OSError):
        flags = Path("/proc/cpuinfo").read_text()
    return "yes (hypervisor flag)" if " hypervisor" in flags else "unknown"


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
