"""Voilà's own handlers, guarded and cached: the Host check on static files and on the
request socket, the widget front end's hashed files cached for good, and a failing cell
told to the learner in words, not as advice to the server's owner.

Over HTTP and websockets, without a browser, against real ``peerkit serve`` processes.
"""

from __future__ import annotations

import re
import shutil
import socket
import urllib.request
from pathlib import Path

import nbformat
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from peerkit import paths
from peerkit.serve.preheat import FAILED_CELL_NOTICE

from .server import CourseServer
from .test_no_leak import fetch

SECRET = "secret-cell-text-7d1f"
PICTURE = '<svg xmlns="http://www.w3.org/2000/svg"><title>picture-5c2e</title></svg>'


def assert_only_this_machine_gets(server: CourseServer, path: str) -> None:
    status, own = fetch(server.url + path)
    assert status == 200 and own, path
    for host in (f"evil.example:{server.port}", "rebind.example"):
        status, body = fetch(server.url + path, host)
        assert status == 403, (path, host, status)
        assert own[:200] not in body, (path, host)


def test_voilas_static_files_answer_only_this_machines_host(course_server):
    for path in ("/voila/static/voila.js", "/voila/templates/peerkit/static/peerkit.css"):
        assert_only_this_machine_gets(course_server, path)


def _kernel_ids(server: CourseServer) -> list[str]:
    """The ids of the server's kernels, from their connection files' names."""
    ids = []
    for pid in server.kernels():
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
        ids += re.findall(r"kernel-([0-9a-f-]{36})\.json", cmdline)
    return ids


def _refusal(server: CourseServer, path: str, host: str = "127.0.0.1") -> int:
    """The status with which the server refuses a websocket at ``path``, asked with ``host``."""
    # The connection goes to this server whatever the address's host, which becomes the
    # Host header (as a DNS-rebinding page's would): one Host header, not two.
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    address = f"ws://{host}:{server.port}{path}"
    with pytest.raises(InvalidStatus) as refused, connect(address, sock=sock, open_timeout=30):
        pass
    return refused.value.response.status_code


def test_the_request_socket_answers_only_this_server_for_its_own_kernels(course_server):
    """The socket on which a pre-heated kernel is sent its learner's request (token and all)."""
    kernels = _kernel_ids(course_server)
    assert kernels, "the pre-heated pools hold kernels"
    # Another site's page (DNS rebinding) is refused, even knowing a real kernel's id;
    # refused before the socket opens, so the kernel's own socket is left in place.
    assert _refusal(course_server, f"/voila/query/{kernels[0]}", "evil.example") == 403
    # No socket for a kernel this server did not start.
    assert _refusal(course_server, "/voila/query/00000000-0000-4000-8000-000000000000") == 404


@pytest.fixture
def broken_course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The course, plus a page whose second cell fails with text that must stay hidden."""
    root = tmp_path / "course"
    root.mkdir()
    for name in ("content", "share"):
        (root / name).symlink_to(paths.project_root() / name)
    shutil.copytree(paths.notebooks_dir(), root / "notebooks")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A page with a broken part"),
        nbformat.v4.new_code_cell(f"raise RuntimeError({SECRET!r})"),
        nbformat.v4.new_markdown_cell("The rest of the page."),
    ]
    nbformat.write(notebook, root / "notebooks" / "broken.ipynb")
    (root / "notebooks" / "picture.svg").write_text(PICTURE, encoding="utf-8")
    monkeypatch.setenv(paths.HOME_ENV, str(root))
    return root


def test_a_failing_cell_says_so_in_words_and_not_how_to_debug_the_server(broken_course, tmp_path):
    server = CourseServer(tmp_path / "answers.sqlite3", preheat=False).start()
    try:
        status, body = fetch(server.page_url("broken.ipynb"))
        assert status == 200
        for hidden in (SECRET, "show_tracebacks", "RuntimeError", "Traceback", "--debug"):
            assert hidden not in body, hidden
        notice = re.sub(r"<[^>]+>", "", FAILED_CELL_NOTICE)
        assert notice in body  # the same sentence as a pre-heated page's
        assert "The rest of the page." in body
        # The notebooks' own files (voila/files: pictures) are this machine's too.
        assert_only_this_machine_gets(server, "/voila/files/picture.svg")
    finally:
        server.stop()


def _extension_files() -> tuple[str, str]:
    """A hashed chunk and an unhashed file of the widget manager's front end."""
    from jupyter_core.paths import jupyter_path

    for root in map(Path, jupyter_path("labextensions")):
        static = root / "@jupyter-widgets" / "jupyterlab-manager" / "static"
        if static.is_dir():
            names = sorted(p.name for p in static.iterdir())
            hashed = next(n for n in names if re.search(r"\.[0-9a-f]{8,}\.js$", n))
            plain = "style.js" if "style.js" in names else "../package.json"
            base = "/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/"
            return base + hashed, base + plain
    raise AssertionError("the widget manager's front end is not installed")


def test_the_widget_front_ends_hashed_files_are_fetched_once_not_asked_about_again(
    course_server,
):
    hashed, plain = _extension_files()
    for path, cache in ((hashed, "public, max-age=31536000, immutable"), (plain, "no-cache")):
        request = urllib.request.Request(course_server.url + path)
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
            assert response.headers["Cache-Control"] == cache, path
