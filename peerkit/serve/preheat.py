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
never sees a placeholder empty. If a cell fails, Voilà runs no more cells: that cell
is then the last, so the kernel waits for the request there, builds what it has, and
says on the page that part of it could not be shown.

Lines for the server's log go through the ``peerkit.preheat`` logger; in a pre-heated
kernel they are written to the kernel's own stderr, which is the server's log.
"""

from __future__ import annotations

import ast
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOG = logging.getLogger("peerkit.preheat")
#: The server's log level, passed to its kernels by ``peerkit serve``.
LOG_LEVEL_ENV = "PEERKIT_LOG_LEVEL"

FAILED_CELL_NOTICE = (
    '<p class="peerkit-status-error" role="alert">Part of this page could not be shown. '
    "Reload the page to try again; if this keeps happening, tell your facilitator.</p>"
)
EXERCISE_FAILED = (
    '<p class="peerkit-status-error" role="alert">This exercise could not be loaded. '
    "Reload the page to try again.</p>"
)
NOT_PREPARED = (
    '<p class="peerkit-status-error" role="alert">This exercise could not be prepared. '
    "Reload the page to try again; if this keeps happening, tell your facilitator.</p>"
)

#: Set to "True" by Voilà in the kernels it pre-heats, and only in those.
PREHEAT_ENV = "VOILA_PREHEAT"


def preheating() -> bool:
    """True in a kernel that Voilà started before any learner asked for its page."""
    return os.environ.get(PREHEAT_ENV) == "True"


def cells_from_call(path: Path, function: str = "open_session") -> int:
    """How many code cells Voilà will run from the one calling ``function`` on.

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
        if _calls(source, function):
            return len(sources) - index
    raise ValueError(f"{path.name} has no code cell that calls {function}.")


def _calls(source: str, function: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == function:
                return True
    return False


#: The key of the request ``peerkit serve`` sends a pre-heated kernel that no learner
#: will use (its page left the pages kept warm): the kernel then builds nothing.
NOT_NEEDED = "PEERKIT_NOT_NEEDED"


class NotNeeded(Exception):
    """No learner is coming for this pre-heated kernel (peerkit/serve/warm_pages.py)."""


class RequestNeverComes(Exception):
    """The server refused the request-info websocket: the learner's request cannot arrive."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the server answered {status}")
        self.status = status


#: HTTP statuses worth retrying: the server is starting, busy or restarting.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def _widget(obj: Any) -> Any:
    """The widget to show for what a builder returned: the object, or its ``view``."""
    return getattr(obj, "view", obj)


def _failed(result: object) -> bool:
    """True if IPython's ``post_run_cell`` result says the cell raised."""
    if result is None:
        return False
    success = getattr(result, "success", None)
    if success is not None:
        return not success
    return bool(
        getattr(result, "error_before_exec", None) or getattr(result, "error_in_exec", None)
    )


class DeferredBuild:
    """Placeholders shown while a pre-heated kernel runs, filled once the request comes.

    ``cells`` is the number of code cells still to finish, the current one included;
    after the last of them (or a cell that fails, after which Voilà runs no more),
    ``wait`` blocks until the request, then every queued builder runs in the order it
    was queued. ``show`` displays a notice in the current cell's output.
    """

    def __init__(
        self,
        cells: int,
        *,
        name: str = "",
        wait: Callable[[], object] | None = None,
        shell: Any = None,
        show: Callable[[Any], object] | None = None,
    ) -> None:
        self.cells_left = cells
        self.name = name
        self._wait = wait or _wait_for_request
        self._show = show or _display
        self._queue: list[tuple[Any, Callable[[], Any]]] = []
        self._shell = shell
        self.built = False
        self.failed_cell = False
        if preheating():
            log_to_server()
        if shell is not None:
            shell.events.register("post_run_cell", self._after_cell)

    def placeholder(self, build: Callable[[], Any]) -> Any:
        """An empty box now; ``build()``'s widget goes into it after the request."""
        import ipywidgets as widgets

        box = widgets.VBox()
        box.add_class("peerkit-deferred")
        if self.built:  # the request has already come: nothing to wait for
            box.children = (_widget(build()),)
        else:
            self._queue.append((box, build))
        return box

    def _after_cell(self, result: object = None) -> None:
        self.cells_left -= 1
        failed = _failed(result)
        if self.cells_left > 0 and not failed:
            return
        if self._shell is not None:
            self._shell.events.unregister("post_run_cell", self._after_cell)
        if failed:
            # Voilà stops at a failing cell: this one is the last that will run.
            self.failed_cell = True
            LOG.warning(
                "%s: a cell failed while pre-heating; the page will be incomplete", self.name
            )
        else:
            LOG.info("%s is pre-heated; waiting for a learner to open it", self.name)
        try:
            self._wait()
        except NotNeeded:
            LOG.info("%s is no longer kept pre-heated", self.name)
            return
        except RequestNeverComes as exc:
            # Not built now: answers read before the learner's request could be older
            # than ones saved since, and the next keystroke would save over those.
            LOG.error(
                "%s: the server refused the pre-heated request (HTTP %s); its exercises "
                "will not be shown. Serve with --no-preheat if this persists.",
                self.name,
                exc.status,
            )
            self.give_up()
        else:
            self.build_all()
        if failed:
            import ipywidgets as widgets

            self._show(widgets.HTML(FAILED_CELL_NOTICE))

    def build_all(self) -> None:
        """Build every queued exercise into its placeholder (answers read now)."""
        import ipywidgets as widgets

        self.built = True
        queue, self._queue = self._queue, []
        for box, build in queue:
            try:
                box.children = (_widget(build()),)
            except Exception as exc:  # one broken exercise must not blank the page
                # The message never includes learner text (the store hides parameters).
                box.children = (widgets.HTML(EXERCISE_FAILED),)
                _report(exc)

    def give_up(self) -> None:
        """Say in every placeholder that its exercise could not be prepared."""
        import ipywidgets as widgets

        queue, self._queue = self._queue, []
        for box, _build in queue:
            box.children = (widgets.HTML(NOT_PREPARED),)


def build_when_asked(notebook: str, function: str, name: str, build: Callable[[], Any]) -> bool:
    """In a pre-heated Voilà kernel, show a placeholder that ``build()`` fills once a
    learner asks for the page (True); elsewhere nothing (False: build it now).

    ``notebook`` (under the course's notebooks) calls ``function`` in one of its cells;
    ``name`` is the page's name in the server's log."""
    from peerkit import paths
    from peerkit.kernel import in_voila

    if not (in_voila() and preheating()):
        return False
    from IPython import get_ipython

    cells = cells_from_call(paths.notebooks_dir() / notebook, function)
    _display(DeferredBuild(cells, name=name, shell=get_ipython()).placeholder(build))
    return True


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def _request_url() -> str:
    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{host}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env['VOILA_KERNEL_ID']}"
    )


def _wait_for_request() -> None:
    """Block until Voilà hands this kernel to a page; retry while the server is not up.

    The same protocol as ``voila.utils.wait_for_request`` (a websocket on which the
    server sends the request's details), with the synchronous websockets client:
    Voilà's helper (an asyncio client in a thread) passed the request on 17-89 s
    late in trials here, this one within a few ms; and it retries instead of giving
    up when the server is not listening yet, which would show answers read too early.
    A refusal that retrying cannot mend (403, 404, ...) raises
    :class:`RequestNeverComes` with the status only; a release raises :class:`NotNeeded`.
    """
    import time

    from websockets.exceptions import InvalidStatus, WebSocketException
    from websockets.sync.client import connect

    url = _request_url()
    while True:
        try:
            # No keepalive pings: on loopback an idle connection stays open, and a
            # connection dropped for a missed ping could lose the request sent on it.
            with connect(url, open_timeout=5, ping_interval=None) as socket:
                info = socket.recv()
            break
        except InvalidStatus as exc:
            status = int(exc.response.status_code)
            if status not in TRANSIENT_STATUSES:
                raise RequestNeverComes(status) from None
            time.sleep(0.5)
        except (OSError, TimeoutError, WebSocketException):
            time.sleep(0.5)
    request = json.loads(info)
    if NOT_NEEDED in request:
        raise NotNeeded
    env = os.environ
    for key, value in request.items():
        env[key] = value


def _report(exc: Exception) -> None:
    LOG.warning("an exercise failed to load (%s)", type(exc).__name__)


def log_to_server() -> None:
    """Send ``peerkit.preheat``'s lines to the server's log: this kernel's real stderr.

    Only in a kernel (``sys.stderr`` there is the cell's output, and the root logger
    would print there). One write per line: kernels share the log and must not
    interleave. Never log learner text.
    """
    if any(getattr(handler, "peerkit_server_log", False) for handler in LOG.handlers):
        return
    stream = sys.__stderr__
    if stream is None:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[peerkit] %(message)s"))
    handler.peerkit_server_log = True  # type: ignore[attr-defined]
    LOG.addHandler(handler)
    level = os.environ.get(LOG_LEVEL_ENV, "INFO").upper()
    LOG.setLevel(level if level in logging.getLevelNamesMapping() else logging.INFO)
    LOG.propagate = False
