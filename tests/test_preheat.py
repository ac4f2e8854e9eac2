"""Pre-heated kernels: nothing is read from the store until the learner's request comes."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.exercises.reflection import Reflection
from peerkit.pages.progress_bar import ProgressBar
from peerkit.serve.preheat import DeferredBuild, _wait_for_request, cells_from_open_session
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

    def finish_cell(self) -> None:
        for callback in list(self.events.callbacks.get("post_run_cell", [])):
            callback(None)


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
    assert cells_from_open_session(path) == 3


def test_a_notebook_without_open_session_is_refused(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "n.ipynb", ["print('hello')"])
    with pytest.raises(ValueError, match="open_session"):
        cells_from_open_session(path)


def test_every_session_notebook_opens_its_session_in_its_first_code_cell() -> None:
    for info in load_course().sessions:
        path = info.notebook_path(paths.notebooks_dir())
        if info.planned or not path.is_file():
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert cells_from_open_session(path) == len(code), info.id


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
    reflection.box.value = ""
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


def test_an_exercise_that_fails_to_build_says_so_without_details(capsys) -> None:
    deferred = DeferredBuild(1, wait=lambda: None)

    def broken():
        raise RuntimeError("secret learner text")

    box = deferred.placeholder(broken)
    deferred._after_cell()
    message = box.children[0].value
    assert "could not be loaded" in message and "secret" not in message
    captured = capsys.readouterr()
    assert "secret" not in captured.out + captured.err


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
