"""A real class for the tests: PostgreSQL, the peerkit service and JupyterHub on free ports.

One is started per test run (the ``running_class`` fixture in tests/conftest.py) and
shared: each test uses learners of its own, so tests stay independent.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import re
import secrets
import shutil
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerkit.hub import api
from peerkit.hub.classroom import Classroom
from peerkit.hub.client import ServiceStore
from peerkit.hub.hub_config import ClassPlan

ADMIN_SERVICE = "test-admin"
SERVICE_SCOPE = f"access:services!service={api.SERVICE_NAME}"
#: The hub's login form's XSRF token (tests/classroom/page_client.py signs in with it too).
XSRF_FIELD = re.compile(r'name="_xsrf" value="([^"]+)"')
_names = itertools.count(1)


class Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: a 3xx comes back as an HTTPError with its Location."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def class_folder() -> Path:
    """A temporary folder PostgreSQL's unprivileged user can reach (/tmp may be 0700)."""
    base = "/var/tmp" if os.geteuid() == 0 else None
    return Path(tempfile.mkdtemp(prefix="peerkit-class-", dir=base))


@dataclass
class RunningClass:
    classroom: Classroom
    admin_token: str
    _tokens: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    @property
    def plan(self) -> ClassPlan:
        return self.classroom.plan

    def new_learner(self, stem: str = "learner") -> str:
        """A learner no other test uses."""
        return f"{stem}-{os.getpid()}-{next(_names)}"

    def call(
        self, method: str, path: str, token: str | None = None, body: Any = None, *,
        raw: bytes | None = None, headers: dict[str, str] | None = None, base: str | None = None,
    ) -> tuple[int, Any]:  # fmt: skip
        """One HTTP request; (status, decoded JSON or the raw bytes)."""
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"token {token}"
        request = urllib.request.Request(
            (base or self.plan.url) + path, data=data, method=method, headers=sent
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                content = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            content, status = exc.read(), exc.code
        try:
            return status, json.loads(content)
        except ValueError:
            return status, content

    def ensure_user(self, name: str) -> None:
        status, _ = self.call("GET", f"/hub/api/users/{name}", self.admin_token)
        if status == 404:
            status, _ = self.call("POST", f"/hub/api/users/{name}", self.admin_token, {})
            assert status == 201, status

    def new_group(self, learners: list[str], facilitators: tuple[str, ...] = ()) -> str:
        """A cohort no other test uses, with these learners and facilitators (made users)."""
        name = self.new_learner("group")
        for person in (*learners, *facilitators):
            self.ensure_user(person)
        status, data = self.call("POST", f"/hub/api/groups/{name}", self.admin_token, {})
        assert status == 201, (status, data)
        members = {"users": [*learners, *facilitators]}
        status, data = self.call("POST", f"/hub/api/groups/{name}/users", self.admin_token, members)
        assert status == 200, (status, data)
        if facilitators:
            body = {"users": list(facilitators)}
            status, data = self.call(
                "POST", "/hub/api/groups/facilitators/users", self.admin_token, body
            )
            assert status == 200, (status, data)
        return name

    def token_for(self, name: str, scopes: tuple[str, ...] = (SERVICE_SCOPE,)) -> str:
        """A JupyterHub token of ``name``'s, as their kernel has (made once per scopes)."""
        key = (name, scopes)
        if key not in self._tokens:
            self.ensure_user(name)
            status, data = self.call(
                "POST", f"/hub/api/users/{name}/tokens", self.admin_token,
                {"scopes": list(scopes), "expires_in": 7200},
            )  # fmt: skip
            assert status == 201, (status, data)
            self._tokens[key] = data["token"]
        return self._tokens[key]

    def start_server(self, name: str) -> None:
        """``name``'s own server, started as the hub starts one at sign-in; waits until ready.

        The class is shared by the whole run, so an earlier test may have started it
        already (the hub answers 400 "... is already running"): that is the state wanted.
        """
        self.ensure_user(name)
        status, data = self.call("POST", f"/hub/api/users/{name}/server", self.admin_token, {})
        running = status == 400 and "already running" in str(data.get("message", ""))
        assert status in (201, 202) or running, (status, data)

        def ready() -> bool:
            servers = self.call("GET", f"/hub/api/users/{name}", self.admin_token)[1]["servers"]
            return bool(servers.get("", {}).get("ready"))

        wait_until(ready, timeout=120)

    def stop_server(self, name: str) -> None:
        """Asks the hub to stop ``name``'s server (it returns before the server has stopped)."""
        status, data = self.call("DELETE", f"/hub/api/users/{name}/server", self.admin_token)
        assert status in (202, 204), (status, data)

    def signed_in(self, name: str) -> http.cookiejar.CookieJar:
        """The cookies a browser holds once ``name`` (a demo account) has signed in at the hub.

        Over plain HTTP, as the login form posts; the landing page is not followed, so no
        server is started. The boards and servers then sign in through the hub's OAuth
        with these cookies, as a browser's redirects do.
        """
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), Stay())
        with opener.open(self.plan.url + "/hub/login", timeout=30) as response:
            page = response.read().decode()
        found = XSRF_FIELD.search(page)
        assert found, "the hub's login form has no XSRF token"
        form = {"username": name, "password": self.classroom.passwords()[name], "_xsrf": found[1]}
        request = urllib.request.Request(
            self.plan.url + "/hub/login?next=%2Fhub%2Fhome", method="POST",
            data=urllib.parse.urlencode(form).encode(),
        )  # fmt: skip
        try:
            opener.open(request, timeout=30).close()
            raise AssertionError("signing in did not redirect")
        except urllib.error.HTTPError as exc:
            exc.close()
            assert exc.code == 302, exc.code
        assert any(c.name == "jupyterhub-hub-login" for c in jar), "not signed in"
        return jar

    def store_for(self, name: str) -> ServiceStore:
        return ServiceStore(self.plan.service_url, self.token_for(name))

    def service_call(self, method: str, path: str, token: str | None, body: Any = None, **kw: Any):
        """A request straight to the service (as a kernel makes it), path under its API."""
        return self.call(method, api.PREFIX + path, token, body, base=self.plan.service_url, **kw)


#: The tests' class: three learners, two facilitators, each group with its facilitator.
LEARNERS, FACILITATORS = ("alice", "bob", "carol"), ("fran", "tess")
COHORTS = (("monday", ("alice", "bob", "fran")), ("tuesday", ("carol", "tess")))


def start_class(
    folder: Path,
    learners: tuple[str, ...] = LEARNERS,
    facilitators: tuple[str, ...] = FACILITATORS,
    cohorts: tuple[tuple[str, tuple[str, ...]], ...] = COHORTS,
) -> RunningClass:
    """A class on free ports with an admin service of ours; the tests' by default (the
    benchmarks start theirs with other accounts)."""
    admin_token = secrets.token_hex(32)
    plan = ClassPlan(
        folder,
        port=free_port(),
        hub_port=free_port(),
        proxy_api_port=free_port(),
        service_port=free_port(),
        learners=learners,
        facilitators=facilitators,
        cohorts=cohorts,
        extra_services=({"name": ADMIN_SERVICE, "api_token": admin_token},),
        extra_roles=(
            {
                "name": ADMIN_SERVICE,
                "scopes": [
                    "admin:users",
                    "tokens",
                    "admin:servers",
                    "read:users",
                    "list:users",
                    "admin:groups",
                ],
                "services": [ADMIN_SERVICE],
            },
        ),
    )
    classroom = Classroom(plan)
    classroom.start()
    return RunningClass(classroom, admin_token)


def stop_class(running: RunningClass) -> None:
    running.classroom.stop()
    shutil.rmtree(running.plan.folder, ignore_errors=True)


def wait_until(condition, timeout: float = 60.0) -> None:
    """Poll a condition on a server (no event to wait on) until true, or fail."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)
