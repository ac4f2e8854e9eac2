"""A real ``peerkit serve`` process for browser tests (fixed port, polled until ready)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

READY_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CourseServer:
    """Starts ``peerkit serve --no-browser`` against its own answers database."""

    def __init__(self, database: Path, learner: str = "browser-learner") -> None:
        self.database = database
        self.learner = learner
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = database.with_suffix(".server.log")

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def page_url(self, notebook: str) -> str:
        return f"{self.url}/voila/render/{notebook}"

    def start(self) -> CourseServer:
        env = dict(os.environ)
        env["PEERKIT_DATABASE_URL"] = f"sqlite:///{self.database}"
        env["PEERKIT_LEARNER"] = self.learner
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "peerkit.cli",
                    "serve",
                    "--no-browser",
                    f"--port={self.port}",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        pause = threading.Event()
        deadline = READY_TIMEOUT / 0.25
        for _ in range(int(deadline)):
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"peerkit serve exited early; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/voila/static/", timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # the server answers: it is up
            except OSError:
                pause.wait(0.25)
        raise RuntimeError(f"peerkit serve did not start; see {self.log}")

    def processes(self) -> list[int]:
        """The server's process and every process under it (Voilà, kernels)."""
        if self.process is None:
            return []
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                children.setdefault(int(fields[1]), []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
