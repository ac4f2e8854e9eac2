"""No answer in any HTTP response but the learner's own page; no kernel without the token.

A real ``peerkit serve`` (not pre-heated, so that every kernel is one a request
started) with a canary answer saved in every session. Every page, file, API and
static address is fetched without a browser: with the token, without it, with a
wrong one, and with a foreign Host header (DNS rebinding). Then Chromium, with the
token, finds the answer restored into its box.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from peerkit import paths
from peerkit.course.data import load_course
from peerkit.course.notebooks import exercise_ids
from peerkit.store.answer_store import AnswerStore

from .learner import TEXT_BOXES
from .server import ADDRESS_LINE, READY_LINE, CourseServer

CANARY = f"canary-{uuid.uuid4().hex}"
READY = [s for s in load_course().sessions if not s.planned and s.notebook_path().is_file()]
SESSION = load_course().session("m2s1")
SESSION_BOX = "chime-now"  # a reflection: a real <textarea> on the page
OWN_PAGES = ("index.ipynb", SESSION.notebook, "my-data.ipynb")
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the 302 itself


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, host: str | None = None) -> tuple[int, str]:
    headers = {"Host": host} if host else {}
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers), timeout=180) as r:
            return r.status, r.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


def canary_text(session_id: str) -> str:
    return f"{CANARY} {session_id}"


def addresses(notebooks: list[str], kernel_ids: list[str]) -> list[str]:
    """Every path the server has a handler for that we can name."""
    found = [
        "/",
        "/voila",
        "/voila/",
        "/voila/tree",
        "/voila/tree/module1",
        "/voila/tree/module2",
        "/voila/api/contents",
        "/voila/api/contents/module1",
        "/voila/api/contents/module2",
        "/login",
        "/logout",
        "/api/kernels",
        "/api/sessions",
        "/api/contents",
        "/api/me",
        "/voila/static/",
        "/voila/static/voila.js",
        "/voila/templates/peerkit/static/peerkit.css",
        "/voila/api/themes/",
        "/voila/labextensions/",
        "/voila/files/answers.sqlite3",
    ]
    for notebook in notebooks:
        found += [
            f"/voila/render/{notebook}",
            f"/voila/files/{notebook}",
            f"/voila/api/contents/{notebook}",
            f"/voila/tree/{notebook}",
        ]
    found += [f"/api/kernels/{kernel_id}" for kernel_id in kernel_ids]
    return found


@pytest.fixture
def server(tmp_path: Path):
    database = tmp_path / "answers.sqlite3"
    learner = "leak-learner"
    with AnswerStore(f"sqlite:///{database}") as store:
        for info in READY:
            first = SESSION_BOX if info.id == SESSION.id else exercise_ids(info.notebook_path())[0]
            store.save(learner, info.id, first, canary_text(info.id))
    # The default log level: what a person running `peerkit serve` sees.
    server = CourseServer(database, learner, preheat=False, log_level="WARNING").start()
    try:
        yield server
    finally:
        server.stop()


def test_no_answer_leaks_and_no_kernel_starts_without_the_token(server, browser, artifacts):
    # A normal start says where the course is and that it is ready; nothing else.
    start_log = server.log_text().splitlines()
    assert len(start_log) == 2, start_log
    assert ADDRESS_LINE.match(start_log[0]) and start_log[1].startswith(READY_LINE)
    assert server.address == server.page_url("index.ipynb")
    assert server.kernels() == []

    # With the token, the learner's own pages: their HTML holds no answer (widget
    # state reaches the page over the kernel's websocket, not in the HTML).
    kernel_ids = []
    for notebook in OWN_PAGES:
        status, body = fetch(server.page_url(notebook))
        assert status == 200, notebook
        assert CANARY not in body, notebook
        assert "peerkit-page" in body
        kernel_ids += KERNEL_ID.findall(body)
        if notebook == SESSION.notebook:
            # Reading the home and a session notebook printed nothing: no "not
            # trusted", no warning. (My data is fetched after this check: its notebook
            # still imports peerkit.mydata, gone in the reorganisation, and fails.)
            assert server.log_text().splitlines() == start_log
    started = sorted(server.kernels())
    assert len(started) == len(OWN_PAGES) and len(set(kernel_ids)) == len(OWN_PAGES)

    notebooks = sorted(
        str(p.relative_to(paths.notebooks_dir())) for p in paths.notebooks_dir().rglob("*.ipynb")
    )
    assert len(notebooks) >= len(READY) + 2
    host = f"127.0.0.1:{server.port}"
    statuses: dict[str, set[int]] = {}
    for path in addresses(notebooks, kernel_ids):
        url = server.url + path
        sep = "&" if "?" in path else "?"
        variants = {
            "no token": (url, None),
            "wrong token": (f"{url}{sep}token=not-the-token", None),
            "foreign host": (f"{url}{sep}token={server.token}", f"evil.example:{server.port}"),
            "foreign host, no token": (url, "rebind.example"),
        }
        if not path.startswith("/voila/render/"):  # with the token: would start kernels
            variants["token"] = (f"{url}{sep}token={server.token}", host)
        for name, (address, host_header) in variants.items():
            status, body = fetch(address, host_header)
            assert CANARY not in body, (path, name)
            statuses.setdefault(name, set()).add(status)
            if path.startswith(("/voila/render/", "/voila/tree", "/api/", "/voila/api/contents")):
                assert status != 200 or name == "token", (path, name, status)
            if "foreign host" in name:  # static files included (peerkit/serve/guards.py)
                assert status in (403, 404), (path, name, status)  # 404: no such route
    assert 302 in statuses["no token"] and 403 in statuses["foreign host"]

    # The kernels' websockets (where the answers travel) refuse anyone without it.
    for kernel_id in kernel_ids:
        for query, host_header in (("", None), (f"?token={server.token}", "evil.example")):
            ws = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels{query}"
            headers = {"Host": host_header} if host_header else None
            with pytest.raises(InvalidStatus) as refused:
                connect(ws, open_timeout=30, additional_headers=headers).close()
            # 403, or 400 when Voilà's error page for it fails to render (it has no
            # 403.html): refused either way, before any kernel message is sent.
            assert refused.value.response.status_code in (400, 403)
            assert CANARY not in refused.value.response.body.decode("utf-8", "replace")

    # Not one kernel was started by all of that.
    assert sorted(server.kernels()) == started

    # With the token, in Chromium: the course home, then the learner's own page, by
    # the login cookie alone, restores the answer into its box.
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(server.address)
        page.wait_for_selector(".peerkit-home")
        page.wait_for_selector(".peerkit-chime-wheel .peerkit-save-reading")
        page.screenshot(path=str(artifacts / "home-with-token.png"), full_page=False)
        link = page.locator(f".peerkit-session a[href$='{SESSION.notebook}']")
        assert "token=" not in (link.get_attribute("href") or "")
        link.click()  # no token in the link: the login cookie carries it
        page.wait_for_function(
            "([sel, text]) => [...document.querySelectorAll(sel)].some(b => b.value === text)",
            arg=[TEXT_BOXES, canary_text(SESSION.id)],
        )
    finally:
        context.close()
