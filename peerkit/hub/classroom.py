"""A class on one machine: PostgreSQL, the peerkit service and JupyterHub, started and stopped.

``peerkit class`` runs one (README: Running a class); the class tests run another in
a temporary folder. Everything the class keeps is in its folder, so stopping and
starting again keeps every answer and sign-in; ``fresh=True`` starts afresh.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.errors import PeerkitError
from peerkit.hub import api
from peerkit.hub.hub_config import ClassPlan, proxy_command, write_hub_config
from peerkit.hub.postgres import APP_ROLE, OWNER_ROLE, LocalPostgres
from peerkit.hub.service import ADMIN_URL_ENV, BIND_ENV, COOKIE_SECRET_ENV, PORT_ENV
from peerkit.hub.singleuser import write_singleuser_config

SECRETS_FILE = "secrets.json"
READY_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 60
#: Never passed on to the hub (whose servers inherit some of its environment).
DATABASE_VARIABLES = (paths.DATABASE_URL_ENV, ADMIN_URL_ENV)

Progress = Callable[[str], None]


def _wait_for(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerkitError(f"{what} stopped as it started: see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)  # polling a server that is starting: no event to wait on
    raise PeerkitError(f"{what} did not answer within {READY_TIMEOUT_SECONDS} s: see {log}")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Classroom:
    """Start with ``start()`` (or ``with``); ``stop()`` stops everything it started."""

    def __init__(self, plan: ClassPlan, *, fresh: bool = False) -> None:
        self.plan = plan
        self.fresh = fresh
        self.postgres = LocalPostgres(plan.folder / "postgres")
        self.service: subprocess.Popen[bytes] | None = None
        self.hub: subprocess.Popen[bytes] | None = None
        self._logs: list[IO[bytes]] = []

    def __enter__(self) -> Classroom:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def logs_dir(self) -> Path:
        return self.plan.folder / "logs"

    # --- what the class keeps -----------------------------------------------
    def secrets(self) -> dict[str, object]:
        """The service's hub token and cookie secret, and each demo password (mode 0600, kept)."""
        path = self.plan.folder / SECRETS_FILE
        known: dict[str, object] = {}
        if path.exists():
            known = json.loads(path.read_text(encoding="utf-8"))
        passwords = dict(known.get("passwords") or {})  # type: ignore[call-overload]
        for person in self.plan.people:
            passwords.setdefault(person, secrets.token_urlsafe(9))
        made = {
            "service_token": known.get("service_token") or secrets.token_hex(32),
            "cookie_secret": known.get("cookie_secret") or secrets.token_hex(32),
            "passwords": passwords,
        }
        if made != known:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(made, file)
        return made

    def passwords(self) -> dict[str, str]:
        return dict(self.secrets()["passwords"])  # type: ignore[call-overload]

    # --- starting and stopping ----------------------------------------------
    def start(self, progress: Progress = lambda _line: None) -> None:
        if not Path(proxy_command()[0]).exists():
            raise PeerkitError(
                "The class's proxy is not installed: run `make class` (npm ci in proxy/)."
            )
        if self.fresh and self.plan.folder.exists():
            self.postgres.stop()
            shutil.rmtree(self.plan.folder)
        self.plan.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.plan.folder, 0o711)
        self.logs_dir.mkdir(mode=0o700, exist_ok=True)
        try:
            progress("Starting PostgreSQL…")
            if self.postgres.initialise():
                progress("  made a new database cluster in " + str(self.postgres.folder))
            self.postgres.start()
            self.postgres.create_class_database()
            progress("Starting the peerkit service…")
            self.start_service()
            progress("Starting JupyterHub and its proxy…")
            self.start_hub()
        except BaseException:
            self.stop()
            raise

    def start_service(self) -> None:
        """The service (again, after ``stop_service``): the only holder of the database URL."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
        env.update(
            {
                paths.DATABASE_URL_ENV: self.postgres.url(APP_ROLE),
                ADMIN_URL_ENV: self.postgres.url(OWNER_ROLE),
                paths.HOME_ENV: str(paths.project_root()),
                BIND_ENV: "127.0.0.1",
                PORT_ENV: str(self.plan.service_port),
                "JUPYTERHUB_API_TOKEN": str(self.secrets()["service_token"]),
                COOKIE_SECRET_ENV: str(self.secrets()["cookie_secret"]),
                "JUPYTERHUB_API_URL": f"http://127.0.0.1:{self.plan.hub_port}/hub/api",
                "JUPYTERHUB_SERVICE_NAME": api.SERVICE_NAME,
                "JUPYTERHUB_SERVICE_PREFIX": f"/services/{api.SERVICE_NAME}/",
            }
        )
        log = self.logs_dir / "service.log"
        self.service = self._launch([sys.executable, "-m", "peerkit.hub.service"], env, log)
        _wait_for(f"{self.plan.service_url}{api.PREFIX}health", self.service, "The service", log)

    def stop_service(self) -> None:
        _stop(self.service)
        self.service = None

    def start_hub(self) -> None:
        course = load_course()
        write_singleuser_config(self.plan.singleuser_dir, course)
        for person in self.plan.people:
            (self.plan.homes_dir / person).mkdir(parents=True, exist_ok=True, mode=0o700)
        secrets_ = self.secrets()
        config = write_hub_config(self.plan, self.passwords(), str(secrets_["service_token"]))
        env = {k: v for k, v in os.environ.items() if k not in DATABASE_VARIABLES}
        log = self.logs_dir / "hub.log"
        command = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)]
        self.hub = self._launch(command, env, log, cwd=self.plan.hub_dir)
        _wait_for(f"{self.plan.url}/hub/health", self.hub, "JupyterHub", log)

    def stop_hub(self) -> None:
        _stop(self.hub)
        self.hub = None

    def _launch(
        self, command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        out = open(log, "ab")  # noqa: SIM115 (kept open for the process's life)
        self._logs.append(out)
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        """Stop the hub (with every learner's server and the proxy), service and PostgreSQL."""
        self.stop_hub()
        self.stop_service()
        self.postgres.stop()
        for out in self._logs:
            out.close()
        self._logs.clear()
