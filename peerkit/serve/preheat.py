"""Pre-heated kernels: everything ready before the learner asks, answers read after.

``peerkit serve`` keeps one kernel per session notebook started and run ahead of
time (Voilà's ``preheat_kernel``), so a page is not held up by a kernel start and
the notebook's run. Such a kernel runs before anyone has asked for the page, so it
must not read answers then: a learner who saved something in the meantime would be
shown an older version, and their next keystroke would save it over the newer one.

So in a pre-heated kernel every exercise (and the progress bar) is shown as an empty
placeholder while the notebook runs. After the notebook's last code cell, the kernel
waits for the learner's request (``voila.utils.wait_for_request``), then builds every
exercise, reading the answers as they are at that moment, into its placeholder.
Voilà sends the page only when that last cell has finished, so the page's front end
never sees a placeholder empty.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Set to "True" by Voilà in the kernels it pre-heats, and only in those.
PREHEAT_ENV = "VOILA_PREHEAT"


def preheating() -> bool:
    """True in a kernel that Voilà started before any learner asked for its page."""
    return os.environ.get(PREHEAT_ENV) == "True"


def cells_from_open_session(path: Path) -> int:
    """How many code cells Voilà will run from the one calling ``open_session`` on.

    Counts that cell and every later one with code in it (Voilà skips empty cells).
    """
    from peerkit.course.notebooks import read_notebook

    nb = read_notebook(path)
    sources = [
        "".join(cell.get("source", ""))
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "code"
    ]
    sources = [source for source in sources if source.strip()]
    for index, source in enumerate(sources):
        if _calls_open_session(source):
            return len(sources) - index
    raise ValueError(f"{path.name} has no code cell that calls open_session.")


def _calls_open_session(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "open_session":
                return True
    return False


class DeferredBuild:
    """Placeholders shown while a pre-heated kernel runs, filled once the request comes.

    ``cells`` is the number of code cells still to finish, the current one included;
    after the last of them, ``wait`` blocks until the request, then every queued
    builder runs in the order it was queued.
    """

    def __init__(
        self,
        cells: int,
        *,
        name: str = "",
        wait: Callable[[], object] | None = None,
        shell: Any = None,
    ) -> None:
        self.cells_left = cells
        self.name = name
        self._wait = wait or _wait_for_request
        self._queue: list[tuple[Any, Callable[[], Any]]] = []
        self._shell = shell
        self.built = False
        if shell is not None:
            shell.events.register("post_run_cell", self._after_cell)

    def placeholder(self, build: Callable[[], Any]) -> Any:
        """An empty box now; ``build()``'s widget goes into it after the request."""
        import ipywidgets as widgets

        box = widgets.VBox()
        box.add_class("peerkit-deferred")
        if self.built:  # the request has already come: nothing to wait for
            box.children = (build(),)
        else:
            self._queue.append((box, build))
        return box

    def _after_cell(self, _result: object = None) -> None:
        self.cells_left -= 1
        if self.cells_left > 0:
            return
        if self._shell is not None:
            self._shell.events.unregister("post_run_cell", self._after_cell)
        _log(f"{self.name} is pre-heated; waiting for a learner to open it")
        self._wait()
        self.build_all()

    def build_all(self) -> None:
        """Build every queued exercise into its placeholder (answers read now)."""
        import ipywidgets as widgets

        self.built = True
        queue, self._queue = self._queue, []
        for box, build in queue:
            try:
                box.children = (build(),)
            except Exception as exc:  # one broken exercise must not blank the page
                # The message never includes learner text (the store hides parameters).
                box.children = (
                    widgets.HTML(
                        '<p class="peerkit-status-error" role="alert">This exercise could '
                        "not be loaded. Reload the page to try again.</p>"
                    ),
                )
                _report(exc)


def _wait_for_request() -> None:
    """Block until Voilà hands this kernel to a page; retry while the server is not up.

    The same protocol as ``voila.utils.wait_for_request`` (a websocket on which the
    server sends the request's details), with the synchronous websockets client:
    Voilà's helper (an asyncio client in a thread) passed the request on 17-89 s
    late in trials here, this one within a few ms; and it retries instead of giving
    up when the server is not listening yet, which would show answers read too early.
    """
    import time

    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env['VOILA_KERNEL_ID']}"
    )
    while True:
        try:
            # No keepalive pings: on loopback an idle connection stays open, and a
            # connection dropped for a missed ping could lose the request sent on it.
            with connect(url, open_timeout=5, ping_interval=None) as socket:
                info = socket.recv()
            break
        except (OSError, TimeoutError, WebSocketException):
            time.sleep(0.5)
    for key, value in json.loads(info).items():
        env[key] = value


def _report(exc: Exception) -> None:
    _log(f"an exercise failed to load ({type(exc).__name__})")


def _log(message: str) -> None:
    """A line in the server's log (the kernel process's stderr, not the cell's output).

    Never pass learner text here.
    """
    import sys

    stream = sys.__stderr__
    if stream is not None:
        # One write per line: kernels share the server's log and must not interleave.
        stream.write(f"[peerkit] {message}\n")
        stream.flush()
