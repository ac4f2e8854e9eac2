"""A class as its learners meet it: sign in, type, reload; the service, PostgreSQL and
a learner's server stopped under them; and what a learner's processes hold."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from peerkit.hub.postgres import APP_ROLE, OWNER_ROLE, SUPERUSER

SESSION = "module1/01-introduction.ipynb"
FIRST_BOX = ".peerkit-exercise textarea"
STATUS = ".peerkit-exercise .peerkit-status"


def signed_in_page(
    browser, rc, name: str, then: str = "", *, timeout: float = 150_000, script: str = "", **options
):
    """A new page in a new context (``options``, e.g. ``bypass_csp``; ``script`` run
    before each page's own), signed in as ``name`` through the hub's login form, landing
    on ``then`` (a path) if given."""
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, locale="en-GB", **options
    )
    if script:
        context.add_init_script(script)
    page = context.new_page()
    page.set_default_timeout(timeout)
    page.goto(rc.plan.url + "/hub/login" + (f"?next={then}" if then else ""))
    page.fill("#username_input", name)
    page.fill("#password_input", rc.classroom.passwords()[name])
    page.click("#login_submit")
    return page


def sign_in(browser, rc, name: str):
    page = signed_in_page(browser, rc, name)
    page.wait_for_selector(".peerkit-home")  # the course home is where signing in lands
    return page


def open_session(page, rc, name: str):
    page.goto(f"{rc.plan.url}/user/{name}/voila/render/{SESSION}")
    box = page.locator(FIRST_BOX).first
    box.wait_for()
    page.wait_for_selector(f"{STATUS}", state="attached")
    return box


def first_status(page):
    return page.locator(STATUS).first


def wait_saved(page) -> None:
    page.wait_for_function(
        "() => /^Saved /.test(document.querySelector('.peerkit-exercise .peerkit-status')"
        ".textContent)"
    )


def test_a_learner_signs_in_types_and_finds_it_again(browser, running_class, artifacts) -> None:
    rc = running_class
    page = sign_in(browser, rc, "alice")
    assert page.url.endswith("/user/alice/voila/render/index.ipynb")
    box = open_session(page, rc, "alice")
    text = f"What I commit to: listening {os.getpid()}"
    box.fill(text)
    wait_saved(page)
    page.reload()
    box = page.locator(FIRST_BOX).first
    box.wait_for()
    page.wait_for_function(f"() => document.querySelector('{FIRST_BOX}').value === {text!r}")
    page.screenshot(path=str(artifacts / "class-learner-after-reload.png"))
    saved = rc.store_for("alice").latest("alice", "m1s1", "group-agreement")
    assert saved is not None and saved.value["i-commit"] == text
    page.context.close()

    # Another learner's page for the same session shows nothing of it.
    other = sign_in(browser, rc, "bob")
    open_session(other, rc, "bob")
    assert other.locator(FIRST_BOX).first.input_value() != text
    assert text not in other.content()
    # ...and bob's browser cannot open alice's server at all.
    response = other.goto(f"{rc.plan.url}/user/alice/voila/render/{SESSION}")
    assert text not in other.content()
    assert response is None or "/user/alice/voila" not in other.url or response.status >= 400
    other.context.close()


def _descendants(root: int) -> list[int]:
    """Every process started, directly or not, by ``root`` (from /proc's parent ids)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _learner_processes(hub_pid: int) -> list[int]:
    """The hub's learner servers and their kernels (not other tests' course servers)."""
    found = []
    for pid in _descendants(hub_pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"jupyterhub-singleuser" in cmdline or b"ipykernel_launcher" in cmdline:
            found.append(pid)
    return found


def test_no_learner_process_holds_the_database_credentials(browser, running_class) -> None:
    rc = running_class
    page = sign_in(browser, rc, "alice")
    open_session(page, rc, "alice")  # so alice has a kernel as well as a server
    passwords = rc.classroom.postgres.passwords()
    secrets = [passwords[r] for r in (SUPERUSER, OWNER_ROLE, APP_ROLE)]
    assert rc.classroom.hub is not None
    pids = _learner_processes(rc.classroom.hub.pid)
    kernels = [p for p in pids if b"ipykernel" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert pids and kernels, "no learner server or kernel found"
    for pid in pids:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        for secret in secrets:
            assert secret.encode() not in environ, pid
        assert b"PEERKIT_DATABASE" not in environ and b"postgresql" not in environ, pid
        assert b"PEERKIT_SERVICE_URL=" in environ, pid
    # Nor any file the learner's server is given: its home, the course, its config.
    folders = [rc.plan.homes_dir / "alice", rc.plan.singleuser_dir, Path(os.environ.get(
        "PEERKIT_HOME", Path(__file__).resolve().parents[2])) / "notebooks"]  # fmt: skip
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.stat().st_size < 5_000_000:
                data = path.read_bytes()
                assert not any(s.encode() in data for s in secrets), path
    page.context.close()


@pytest.mark.parametrize("what", ["service", "postgres"])
def test_stopping_the_service_or_database_while_typing_loses_nothing(
    browser, running_class, artifacts, what
) -> None:
    rc = running_class
    page = sign_in(browser, rc, "bob")
    box = open_session(page, rc, "bob")
    box.fill(f"Before the {what} stopped.")
    wait_saved(page)
    if what == "service":
        rc.classroom.stop_service()
    else:
        rc.classroom.postgres.stop()
    try:
        box.press("End")
        box.type(f" Typed while the {what} was down.")
        page.wait_for_function(
            "() => /waiting|lost/.test(document.querySelector("
            "'.peerkit-exercise .peerkit-status').dataset.state)"
        )
        message = first_status(page).text_content() or ""
        assert re.search(r"[Nn]ot saved", message), message
        page.screenshot(path=str(artifacts / f"class-{what}-down.png"))
    finally:
        if what == "service":
            rc.classroom.start_service()
        else:
            rc.classroom.postgres.start()
    wait_saved(page)
    expected = f"Before the {what} stopped. Typed while the {what} was down."
    saved = rc.store_for("bob").latest("bob", "m1s1", "group-agreement")
    assert saved is not None and saved.value["i-commit"] == expected
    page.context.close()


def test_a_culled_server_keeps_every_answer(browser, running_class) -> None:
    rc = running_class
    page = sign_in(browser, rc, "fran")
    box = open_session(page, rc, "fran")
    text = "A facilitator's own reflection, before the culler came."
    box.fill(text)
    wait_saved(page)
    page.context.close()
    status, _ = rc.call("DELETE", "/hub/api/users/fran/server", rc.admin_token)
    assert status in (202, 204)
    # The culler's request returns before the server has stopped: wait until it has.
    from tests.running_class import wait_until

    wait_until(lambda: rc.call("GET", "/hub/api/users/fran", rc.admin_token)[1]["servers"] == {})
    assert rc.store_for("fran").latest("fran", "m1s1", "group-agreement").value["i-commit"] == text
    page = sign_in(browser, rc, "fran")
    open_session(page, rc, "fran")
    page.wait_for_function(f"() => document.querySelector('{FIRST_BOX}').value === {text!r}")
    page.context.close()


def test_stopping_and_starting_the_class_keeps_answers_and_sign_ins(browser, running_class) -> None:
    rc = running_class
    learner = rc.new_learner("restart")
    rc.store_for(learner).save(learner, "m1s2", "recovery-meaning", "kept across restarts")
    rc.classroom.stop()  # everything: the hub, every server, the service, PostgreSQL
    assert not (rc.classroom.postgres.data / "postmaster.pid").exists()
    rc.classroom.start()
    # The same token still works (the hub's records are kept), and the answer is there.
    saved = rc.store_for(learner).latest(learner, "m1s2", "recovery-meaning")
    assert saved is not None and saved.value == "kept across restarts"
    page = sign_in(browser, rc, "alice")  # the same password signs in again
    page.context.close()


def test_progress_portfolio_and_erase_work_in_the_class(browser, running_class) -> None:
    rc = running_class
    page = sign_in(browser, rc, "carol")
    box = open_session(page, rc, "carol")
    text = "Carol's commitment, for her portfolio."
    box.fill(text)
    wait_saved(page)
    rc.store_for("bob").save("bob", "m1s2", "recovery-meaning", "bob keeps this")

    # The course home counts it and offers to continue.
    page.goto(f"{rc.plan.url}/user/carol/voila/render/index.ipynb")
    home = page.locator(".peerkit-home")
    home.wait_for()
    page.get_by_text("Continue where you left off").wait_for()
    assert "1 of" in (home.text_content() or "")

    # My data: every download is prepared through the service, then everything is erased.
    page.goto(f"{rc.plan.url}/user/carol/voila/render/my-data.ipynb")
    page.locator(".peerkit-my-data .peerkit-prepare").click()
    link = page.locator(".peerkit-download-json a.peerkit-download")
    link.wait_for()
    import base64
    import json

    href = link.get_attribute("href") or ""
    exported = json.loads(base64.b64decode(href.split(",", 1)[1]))
    assert text in json.dumps(exported)
    for fmt in ("docx", "html"):
        page.locator(f".peerkit-download-{fmt} a.peerkit-download").wait_for()
    page.locator(".peerkit-erase").click()
    page.locator(".peerkit-erase-confirm .peerkit-warning").wait_for()
    page.get_by_label("I understand this cannot be undone").check()
    page.locator(".peerkit-erase-final").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.peerkit-my-data .peerkit-status')]"
        ".some(s => /removed/.test(s.textContent))"
    )
    assert rc.store_for("carol").all_revisions("carol") == []
    assert [r.value for r in rc.store_for("bob").all_revisions("bob") if r.session == "m1s2"] == [
        "bob keeps this"
    ]
    page.context.close()
