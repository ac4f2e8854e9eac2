"""Who tries the class's addresses in the access sweeps, and how: with a JupyterHub
token (as a kernel or a script does), with a signed-in browser's cookies, or with
nothing; and the service's own table of routes, so a sweep can say which it missed.
"""

from __future__ import annotations

import base64
import http.client
import http.cookiejar
import json
import re
import secrets
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from tornado.web import RequestHandler

from peerkit.hub import api
from tests.running_class import Stay

#: Where the proxy puts the service's pages (its API is under ``api.PREFIX``).
SERVICE = f"/services/{api.SERVICE_NAME}/"
METHODS = ("get", "head", "post", "put", "delete", "patch", "options")


@dataclass(frozen=True)
class Reply:
    status: int
    text: str
    #: Where a redirect not followed pointed ("" when there was none).
    location: str = ""
    #: Where the reply came from, after any redirects followed.
    url: str = ""

    @property
    def to_sign_in(self) -> bool:
        """A redirect to the hub, to sign in (what a page does for a stranger)."""
        return 300 <= self.status < 400 and "/hub/" in self.location


@dataclass
class Caller:
    """One person or program trying the class's addresses.

    ``role`` says what they are to learner A: "A", "B" (in A's group), "F" (A's
    facilitator), "G" (another group's facilitator), "O" (a learner of another
    group) or "nobody" (no identity at all). A signed-in browser (``jar``) follows
    redirects as a browser does (so it signs in to the boards through the hub); the
    others do not, so a redirect to the hub's sign-in is seen as the refusal it is.
    """

    label: str
    role: str
    token: str | None = None
    jar: http.cookiejar.CookieJar | None = None
    tried: int = 0

    @property
    def browser(self) -> bool:
        return self.jar is not None

    def _opener(self) -> urllib.request.OpenerDirector:
        if self.jar is not None:
            return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        return urllib.request.build_opener(Stay())

    def _request(
        self, base: str, method: str, path: str, body: Any, form: dict[str, Any] | None,
        headers: dict[str, str] | None,
    ) -> urllib.request.Request:  # fmt: skip
        sent = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if self.token:
            sent["Authorization"] = f"token {self.token}"
        return urllib.request.Request(base + path, data=data, method=method, headers=sent)

    def send(
        self, base: str, method: str, path: str, body: Any = None, *,
        form: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
    ) -> Reply:  # fmt: skip
        """One request to ``base + path``; the reply's status and text."""
        self.tried += 1
        request = self._request(base, method, path, body, form, headers)
        try:
            with self._opener().open(request, timeout=30) as response:
                text = response.read().decode("utf-8", "replace")
                return Reply(response.status, text, url=response.geturl())
        except urllib.error.HTTPError as exc:
            with exc:
                text = exc.read().decode("utf-8", "replace")
                return Reply(exc.code, text, exc.headers.get("Location", ""), exc.geturl())

    def peek_stream(self, base: str, path: str) -> Reply:
        """An event stream: its status and what it sends at once (then closed)."""
        self.tried += 1
        request = self._request(base, "GET", path, None, None, None)
        try:
            response = self._opener().open(request, timeout=10)
        except urllib.error.HTTPError as exc:
            with exc:
                text = exc.read().decode("utf-8", "replace")
                return Reply(exc.code, text, exc.headers.get("Location", ""))
        with response:
            lines = []
            if "text/event-stream" in response.headers.get("Content-Type", ""):
                for raw in response:  # the stream's opening: "retry: ...", then a blank line
                    lines.append(raw.decode("utf-8", "replace"))
                    if lines[-1].strip() == "" and len(lines) > 1:
                        break
            else:
                lines.append(response.read().decode("utf-8", "replace"))
            return Reply(response.status, "".join(lines))

    def _connect(
        self, base: str, method: str, path: str, headers: dict[str, str]
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """One request on a connection of its own (kept open: a stream, a WebSocket)."""
        self.tried += 1
        url = urllib.parse.urlsplit(base + path)
        sent = dict(headers)
        if self.token:
            sent["Authorization"] = f"token {self.token}"
        if self.jar is not None:
            probe = urllib.request.Request(base + path)
            self.jar.add_cookie_header(probe)
            sent.update({k: v for k, v in probe.header_items() if k == "Cookie"})
        connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
        target = url.path + (f"?{url.query}" if url.query else "")
        try:
            connection.request(method, target, headers=sent)
            return connection, connection.getresponse()
        except BaseException:
            connection.close()
            raise

    def listen(
        self, base: str, path: str, on_change: Callable[[], None] | None = None
    ) -> EventStream | Reply:
        """An event stream kept open (refused: the reply); on_change runs on each event."""
        connection, response = self._connect(base, "GET", path, {})
        if response.status != 200:
            try:
                return Reply(response.status, response.read().decode("utf-8", "replace"))
            finally:
                connection.close()
        return EventStream(connection, response, on_change)

    def opens_websocket(self, base: str, path: str) -> int:
        """Whether a WebSocket opens at ``path`` (101) or is refused: the status."""
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        headers = {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Version": "13",
        }
        connection, response = self._connect(base, "GET", path, headers)
        connection.close()
        return response.status

    def xsrf(self) -> str:
        """The service's XSRF token in this browser's cookies (what its forms carry)."""
        assert self.jar is not None
        for cookie in self.jar:
            if cookie.name == "_xsrf" and cookie.path.startswith(SERVICE) and cookie.value:
                return urllib.parse.unquote(cookie.value)
        raise AssertionError(f"{self.label} holds no XSRF cookie of the service")


class EventStream:
    """A server-sent event stream read in a thread: everything sent, and each ``changed``
    (after which ``on_change`` runs in that thread, as a board fetches itself again)."""

    def __init__(
        self, connection: http.client.HTTPConnection, response: Any,
        on_change: Callable[[], None] | None = None,
    ) -> None:  # fmt: skip
        self.connection, self.response, self.on_change = connection, response, on_change
        self.text: list[str] = []
        self.changed = 0
        #: How many of each named event arrived ("changed", "submitted", "agreement").
        self.heard: dict[str, int] = {}
        self.opened = threading.Event()
        self.arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.opened.wait(30), "the event stream never opened"

    def _read(self) -> None:
        try:
            while line := self.response.readline().decode("utf-8", "replace"):
                with self.arrived:
                    self.text.append(line)
                    if line.startswith("retry:"):
                        self.opened.set()
                    changed = line.strip() == "event: changed"
                    if line.startswith("event: "):
                        name = line.strip().removeprefix("event: ")
                        self.heard[name] = self.heard.get(name, 0) + 1
                        self.changed = self.heard.get("changed", 0)
                    self.arrived.notify_all()
                if changed and self.on_change is not None:
                    self.on_change()
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return  # closed by the test

    def wait_for(self, count: int, timeout: float = 10.0, event: str = "changed") -> bool:
        """Whether ``count`` events named ``event`` have arrived (waiting up to ``timeout``)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: self.heard.get(event, 0) >= count, timeout)

    def close(self) -> str:
        """Closes the stream at once (the reading thread's wait ends); all it sent."""
        if self.connection.sock is not None:
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()
        with self.arrived:
            return "".join(self.text)


@dataclass(frozen=True)
class Route:
    """One address pattern of the service, its handler and the methods it answers."""

    pattern: re.Pattern[str]
    handler: type
    methods: frozenset[str]

    @property
    def name(self) -> str:
        return self.pattern.pattern.removesuffix("$")


def service_routes() -> list[Route]:
    """The service's handler table, as ``make_app`` builds it (nothing is started)."""
    from peerkit.hub.service import make_app

    boards = SimpleNamespace(prefix=SERVICE)  # the routes read the prefix only
    app = make_app(cast(Any, None), cast(Any, boards), "not a secret")
    routes = []
    for rule in app.wildcard_router.rules:
        handler = rule.target
        methods = frozenset(
            m.upper() for m in METHODS if getattr(handler, m) is not getattr(RequestHandler, m)
        )
        routes.append(Route(rule.matcher.regex, handler, methods))
    return routes


def route_of(routes: list[Route], path: str) -> Route | None:
    """The route that answers ``path`` (its query left off), as tornado picks it: the first."""
    bare = urllib.parse.urlsplit(path).path
    return next((r for r in routes if r.pattern.match(bare)), None)
