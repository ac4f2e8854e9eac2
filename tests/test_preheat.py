"""Pre-heated kernels: nothing is read from the store until the learner's request comes."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.exercises.reflection import Reflection
from peerkit.pages.progress_bar import ProgressBar
from peerkit.serve import preheat
from peerkit.serve.preheat import (
    NOT_NEEDED,
    DeferredBuild,
    NotNeeded,
    RequestNeverComes,
    _wait_for_request,
    cells_from_call,
)
from peerkit.session import Session


class FakeEvents:
    def __init__(self) -> None:
        self.callbacks: dict[str, list] = {}

    def register(self, name: str, callback) -> None:
        self.callbacks.setdefault(name, []).append(callback)

    def unregister(self, name: str, callback) -> None:
        self.callbacks[name].remove(callback)


class FakeShell:
    """Just enough of IPython's shell: its event hooks, run like a cell finishing."""

    def __init__(self) -> None:
        self.events = FakeEvents()

    def finish_cell(self, *, success: bool = True) -> None:
        # IPython passes an ExecutionResult; a failed cell has success False.
        result = SimpleNamespace(
            success=success, error_in_exec=None if success else ValueError(), error_before_exec=None
        )
        for callback in list(self.events.callbacks.get("post_run_cell", [])):
            callback(result)


def write_notebook(path: Path, sources: list[str]) -> Path:
    cells = [{"cell_type": "markdown", "source": "# Title", "metadata": {}}]
    cells += [{"cell_type": "code", "source": s, "metadata": {}, "outputs": []} for s in sources]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4}))
    return path


def test_cells_counted_from_the_one_that_opens_the_session(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "n.ipynb",
        [
            "import peerkit",
            "session = peerkit.open_session('m2s1')",
            "   \n",  # Voilà skips empty cells: not counted
            "session.reflection('a', 'A?')",
            "session.reflection('b', 'B?')",
        ],
    )
    assert cells_from_call(path) == 3


def test_a_notebook_without_open_session_is_refused(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "n.ipynb", ["print('hello')"])
    with pytest.raises(ValueError, match="open_session"):
        cells_from_call(path)


def test_every_session_notebook_opens_its_session_in_its_first_code_cell() -> None:
    for info in load_course().sessions:
        path = info.notebook_path(paths.notebooks_dir())
        if info.planned or not path.is_file():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert cells_from_call(path) == len(code), info.id


def test_waits_after_the_last_cell_then_builds_in_order() -> None:
    events: list[str] = []
    shell = FakeShell()
    deferred = DeferredBuild(3, shell=shell, wait=lambda: events.append("request"))
    first = deferred.placeholder(lambda: events.append("first") or _label("1"))
    shell.finish_cell()
    second = deferred.placeholder(lambda: events.append("second") or _label("2"))
    shell.finish_cell()
    assert events == [] and first.children == () and second.children == ()
    shell.finish_cell()  # the notebook's last cell
    assert events == ["request", "first", "second"]
    assert [box.children[0].value for box in (first, second)] == ["1", "2"]
    assert shell.events.callbacks["post_run_cell"] == []  # waits once, then lets go
    late = deferred.placeholder(lambda: _label("3"))  # after the request: built at once
    assert late.children[0].value == "3"


def test_answers_saved_after_pre_heating_are_the_ones_shown(store) -> None:
    """The freshness rule: a pre-heated page shows what was saved before it was asked for."""
    store.save("alex", "m2s1", "chime-now", "written last week")
    shell = FakeShell()
    session = Session("m2s1", store=store, learner="alex", autosave_delay=None)
    session.deferred = DeferredBuild(3, shell=shell, wait=lambda: None)
    progress = session.progress_bar()
    shell.finish_cell()
    box = session.reflection("chime-now", "How is CHIME showing up for you?")
    shell.finish_cell()
    other = session.reflection(
        "map-and-peer-relationship", "How might your map shape the relationship?"
    )
    # Meanwhile the learner, in another page, edits one answer and writes another.
    store.save("alex", "m2s1", "chime-now", "written this morning")
    store.save("alex", "m2s1", "map-and-peer-relationship", "my sister")
    shell.finish_cell()  # the last cell: the request comes, the exercises are built
    reflection = session.exercises["chime-now"]
    assert isinstance(reflection, Reflection)
    assert box.children == (reflection.view,)
    assert reflection.get_value() == "written this morning"
    assert other.children == (session.exercises["map-and-peer-relationship"].view,)
    assert session.exercises["map-and-peer-relationship"].get_value() == "my sister"
    bar = progress.children[0]
    assert isinstance(bar, ProgressBar)
    assert {"chime-now", "map-and-peer-relationship"} <= bar.answered
    # The progress bar still follows saves made on this page.
    reflection.edit(text="")
    reflection.save_now()
    assert "chime-now" not in bar.answered


def test_nothing_is_read_from_the_store_before_the_request(store, monkeypatch) -> None:
    shell = FakeShell()
    session = Session("m2s1", store=store, learner="alex", autosave_delay=None)
    session.deferred = DeferredBuild(2, shell=shell, wait=lambda: None)
    reads: list[str] = []
    for name in ("latest", "current_answers"):
        original = getattr(store, name)
        monkeypatch.setattr(
            store, name, lambda *a, _o=original, _n=name: reads.append(_n) or _o(*a)
        )
    session.progress_bar()
    session.reflection("chime-now", "How is CHIME showing up for you?")
    session.chime_wheel()
    shell.finish_cell()
    assert reads == []
    shell.finish_cell()
    assert "latest" in reads and "current_answers" in reads


def test_a_duplicate_id_is_still_refused_at_once(store) -> None:
    session = Session("m2s1", store=store, learner="alex", autosave_delay=None)
    session.deferred = DeferredBuild(5, wait=lambda: None)
    session.reflection("chime-now", "One")
    with pytest.raises(ValueError, match="used twice"):
        session.reflection("chime-now", "Two")


def test_an_exercise_that_fails_to_build_says_so_without_details(caplog, capsys) -> None:
    deferred = DeferredBuild(1, wait=lambda: None)

    def broken():
        raise RuntimeError("secret learner text")

    box = deferred.placeholder(broken)
    with caplog.at_level(logging.INFO, logger="peerkit.preheat"):
        deferred._after_cell()
    message = box.children[0].value
    assert "could not be loaded" in message and "secret" not in message
    assert "an exercise failed to load (RuntimeError)" in caplog.messages
    assert "secret" not in caplog.text
    captured = capsys.readouterr()
    assert "secret" not in captured.out + captured.err


@pytest.fixture
def server_log(monkeypatch):
    """The kernel's real stderr (the server's log), as a pre-heated kernel has it."""
    stream = io.StringIO()
    monkeypatch.setattr(sys, "__stderr__", stream)
    monkeypatch.setenv(preheat.PREHEAT_ENV, "True")
    monkeypatch.setenv(preheat.LOG_LEVEL_ENV, "INFO")
    saved = preheat.LOG.handlers[:], preheat.LOG.level, preheat.LOG.propagate
    yield stream
    preheat.LOG.handlers[:], preheat.LOG.level, preheat.LOG.propagate = saved


def test_a_pre_heated_kernel_logs_one_line_each_to_the_server_log(server_log) -> None:
    shell = FakeShell()
    deferred = DeferredBuild(1, name="m2s1", shell=shell, wait=lambda: None)
    DeferredBuild(1, name="again", wait=lambda: None)  # a second session: no second handler
    deferred.placeholder(lambda: (_ for _ in ()).throw(KeyError("secret learner text")))
    shell.finish_cell()
    assert server_log.getvalue().splitlines() == [
        "[peerkit] m2s1 is pre-heated; waiting for a learner to open it",
        "[peerkit] an exercise failed to load (KeyError)",
    ]


def test_a_failing_cell_builds_the_page_at_once_and_says_part_is_missing() -> None:
    """Voilà runs no cell after one that fails: that cell must count as the last."""
    events: list[str] = []
    shown: list = []
    shell = FakeShell()
    deferred = DeferredBuild(
        4, shell=shell, wait=lambda: events.append("request"), show=shown.append
    )
    progress = deferred.placeholder(lambda: events.append("built") or _label("progress"))
    shell.finish_cell()
    shell.finish_cell(success=False)  # cell 2 of 4 raises; cells 3 and 4 never run
    assert events == ["request", "built"]  # waited for the learner, then built
    assert progress.children[0].value == "progress"
    assert shell.events.callbacks["post_run_cell"] == []
    assert len(shown) == 1 and "Part of this page could not be shown" in shown[0].value
    assert deferred.failed_cell


def test_a_builder_may_return_an_object_with_a_view() -> None:
    label = _label("inside")
    deferred = DeferredBuild(1, wait=lambda: None)
    box = deferred.placeholder(lambda: SimpleNamespace(view=label))
    deferred._after_cell()
    assert box.children == (label,)
    late = deferred.placeholder(lambda: SimpleNamespace(view=label))
    assert late.children == (label,)


def test_a_refused_request_gives_up_clearly_without_reading_answers(caplog) -> None:
    reads: list[str] = []

    def refused() -> None:
        raise RequestNeverComes(403)

    deferred = DeferredBuild(1, name="m2s1", wait=refused)
    box = deferred.placeholder(lambda: reads.append("read") or _label("answers"))
    with caplog.at_level(logging.INFO, logger="peerkit.preheat"):
        deferred._after_cell()
    assert reads == []  # answers read now could be older than ones saved since
    assert "could not be prepared" in box.children[0].value
    assert any("HTTP 403" in m for m in caplog.messages)


def _label(text: str):
    import ipywidgets as widgets

    return widgets.Label(text)


def test_waits_for_the_servers_message_and_retries_until_it_listens(monkeypatch) -> None:
    """The kernel's side of Voilà's request-info websocket, against a real server."""
    from websockets.sync.server import serve

    from tests.browser.server import free_port

    port = free_port()
    paths: list[str] = []

    def handler(connection) -> None:
        paths.append(connection.request.path)
        connection.send(json.dumps({"SCRIPT_NAME": "/voila/render/x.ipynb"}))

    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    servers: list = []

    def run_server() -> None:
        threading.Event().wait(0.7)  # not listening when the kernel first tries
        with serve(handler, "127.0.0.1", port) as server:
            servers.append(server)
            server.serve_forever()

    thread = threading.Thread(target=run_server, daemon=True)
    thread.start()
    _wait_for_request()
    assert servers, "returned before the server was listening"
    servers[0].shutdown()
    thread.join(timeout=10)
    assert paths == ["/voila/query/kernel-1"]
    assert os.environ["SCRIPT_NAME"] == "/voila/render/x.ipynb"


@pytest.fixture
def voila_env(monkeypatch) -> int:
    """The environment Voilà gives a pre-heated kernel, pointing at a free local port."""
    from tests.browser.server import free_port

    port = free_port()
    monkeypatch.setenv("VOILA_APP_PORT", str(port))
    monkeypatch.setenv("VOILA_KERNEL_ID", "kernel-1")
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    monkeypatch.delenv("VOILA_APP_IP", raising=False)
    return port


@pytest.mark.parametrize("status", [403, 404])
def test_a_permanent_refusal_stops_waiting_and_names_only_the_status(voila_env, status) -> None:
    """Retrying a 403 or 404 for ever would leave the page's last cell running for ever."""
    from websockets.sync.server import serve

    port = voila_env
    attempts: list[str] = []

    def refuse(connection, request):
        attempts.append(request.path)
        return connection.respond(status, "secret body\n")

    outcome: list[BaseException | None] = []
    with serve(lambda c: None, "127.0.0.1", port, process_request=refuse) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()

        def kernel() -> None:
            try:
                _wait_for_request()
                outcome.append(None)
            except BaseException as exc:
                outcome.append(exc)

        waiting = threading.Thread(target=kernel, daemon=True)
        waiting.start()
        waiting.join(timeout=20)
        server.shutdown()
    assert outcome, f"still retrying after {len(attempts)} refusals"
    assert isinstance(outcome[0], RequestNeverComes) and outcome[0].status == status
    assert str(outcome[0]) == f"the server answered {status}"
    assert attempts == ["/voila/query/kernel-1"]


def test_a_released_kernel_builds_nothing_and_says_so_in_the_log(caplog) -> None:
    reads: list[str] = []
    shown: list = []

    def released() -> None:
        raise NotNeeded

    deferred = DeferredBuild(1, name="m1s2", wait=released, show=shown.append)
    box = deferred.placeholder(lambda: reads.append("read") or _label("answers"))
    with caplog.at_level(logging.INFO, logger="peerkit.preheat"):
        deferred._after_cell()
    assert reads == [] and box.children == () and shown == []
    assert caplog.messages[-1] == "m1s2 is no longer kept pre-heated"


def test_the_servers_release_message_ends_the_wait_without_a_request(
    monkeypatch, voila_env
) -> None:
    from websockets.sync.server import serve

    port = voila_env
    monkeypatch.delenv(NOT_NEEDED, raising=False)
    with serve(lambda c: c.send(json.dumps({NOT_NEEDED: "1"})), "127.0.0.1", port) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with pytest.raises(NotNeeded):
            _wait_for_request()
        server.shutdown()
    assert NOT_NEEDED not in os.environ
