"""A real ``peerkit serve`` process for browser tests (its own port, token and database)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

READY_TIMEOUT = 120.0
ADDRESS_LINE = re.compile(r"^Serving the course at (?P<url>\S+)", re.MULTILINE)
READY_LINE = "The course is ready."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CourseServer:
    """Starts ``peerkit serve --no-browser`` against its own answers database.

    With ``token=None`` the server makes its own and the test reads it from the
    address line it prints, as a script would; otherwise it is passed as
    ``PEERKIT_TOKEN``. ``log_level`` is INFO by default: some tests read Voilà's lines.
    """

    def __init__(
        self,
        database: Path,
        learner: str = "browser-learner",
        *,
        token: str | None = None,
        preheat: bool = True,
        log_level: str = "INFO",
    ) -> None:
        self.database = database
        self.learner = learner
        self.token = token
        self.preheat = preheat
        self.log_level = log_level
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = database.with_suffix(".server.log")
        self.address = ""  # the course home's address, as printed
        self._log_start = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_url(self, notebook: str) -> str:
        """A page's address with the token (the browser then has the login cookie too)."""
        return f"{self.url}/voila/render/{notebook}?token={self.token}"

    def start(self) -> CourseServer:
        env = dict(os.environ)
        env["PEERKIT_DATABASE_URL"] = f"sqlite:///{self.database}"
        env["PEERKIT_LEARNER"] = self.learner
        env.pop("PEERKIT_TOKEN", None)
        if self.token is not None:
            env["PEERKIT_TOKEN"] = self.token
        command = [
            sys.executable,
            "-m",
            "peerkit.cli",
            "serve",
            "--no-browser",
            f"--port={self.port}",
            f"--log-level={self.log_level}",
        ]
        if not self.preheat:
            command.append("--no-preheat")
        self._log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def log_text(self) -> str:
        """What this start of the server has logged so far."""
        with self.log.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode("utf-8", errors="replace")

    def _wait_ready(self) -> None:
        """Until the server prints that it is ready; reads the printed address."""
        pause = threading.Event()
        for _ in range(int(READY_TIMEOUT / 0.25)):
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"peerkit serve exited early; see {self.log}")
            text = self.log_text()
            if READY_LINE in text:
                match = ADDRESS_LINE.search(text)
                if match is None:
                    raise RuntimeError(f"peerkit serve printed no address; see {self.log}")
                self.address = match["url"]
                if self.token is None:
                    self.token = self.address.rsplit("?token=", 1)[1]
                return
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

    def kernels(self) -> list[int]:
        """The kernel processes under the server."""
        found = []
        for pid in self.processes():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"ipykernel" in cmdline:
                found.append(pid)
        return found

    def kill(self) -> None:
        """SIGKILL the server and every process under it at once, as a crash would.

        Nothing gets to clean up: kernels end mid-save, the runtime folder stays.
        """
        if self.process is None:
            return
        for pid in self.processes():  # the server first, so it starts nothing more
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def restart(self) -> CourseServer:
        """Start again after ``stop()`` or ``kill()``: the same port, token and database."""
        if self.process is not None:
            raise RuntimeError("the server is still running; stop or kill it first")
        return self.start()

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
