"""A TCP proxy between the browser and a course server, whose network the test can cut.

``Proxy(port).start()`` listens on a port of its own and forwards each connection to
``127.0.0.1:<port>``. ``cut()`` closes every open connection (the browser sees its
websockets and requests end) and refuses new ones (each is reset as soon as it is
accepted) until ``restore()``: a network drop as the browser meets it, without
touching the server or the kernels behind it.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
from dataclasses import dataclass, field

CHUNK = 65536
POLL_SECONDS = 0.2


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` at once: a TCP reset, not an orderly end."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


@dataclass(eq=False)
class _Link:
    """One browser connection and its connection to the server."""

    browser: socket.socket
    server: socket.socket
    cut: threading.Event = field(default_factory=threading.Event)


class Proxy:
    """Forwards ``127.0.0.1:<proxy.port>`` to ``127.0.0.1:<target>``; can cut the line."""

    def __init__(self, target: int) -> None:
        self.target = target
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._closing = threading.Event()
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        #: Connections accepted and forwarded, and connections refused while cut.
        self.forwarded = 0
        self.refused = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def is_up(self) -> bool:
        return self._up.is_set()

    def start(self) -> Proxy:
        self._listener.listen(128)
        self._spawn(self._accept)
        return self

    def open_links(self) -> int:
        with self._lock:
            return len(self._links)

    def cut(self) -> None:
        """Drop the network: end every connection now and refuse new ones."""
        self._up.clear()
        with self._lock:
            links = list(self._links)
        for link in links:
            link.cut.set()  # its thread resets both ends within POLL_SECONDS

    def restore(self) -> None:
        """The network is back: new connections are forwarded again."""
        self._up.set()

    def close(self) -> None:
        self._closing.set()
        self.cut()
        _reset(self._listener)
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                readable, _, _ = select.select([self._listener], [], [], POLL_SECONDS)
                if not readable:
                    continue
                browser, _ = self._listener.accept()
            except OSError:
                return
            if not self._up.is_set():
                self.refused += 1
                _reset(browser)
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                _reset(browser)  # the server is down: the browser sees that too
                continue
            server.settimeout(None)
            link = _Link(browser, server)
            with self._lock:
                self._links.add(link)
            self.forwarded += 1
            self._spawn(self._pump, link)

    def _pump(self, link: _Link) -> None:
        """Copy bytes both ways until either end closes or the line is cut."""
        ends = {link.browser: link.server, link.server: link.browser}
        try:
            while not link.cut.is_set():
                readable, _, _ = select.select(list(ends), [], [], POLL_SECONDS)
                for sock in readable:
                    data = sock.recv(CHUNK)
                    if not data:
                        return
                    ends[sock].sendall(data)
        except OSError:
            return
        finally:
            _reset(link.browser)
            _reset(link.server)
            with self._lock:
                self._links.discard(link)
