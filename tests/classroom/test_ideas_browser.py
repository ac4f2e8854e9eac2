"""The group's board in a session page, as people meet it in Chromium: a learner adds
an idea and the others see it arrive; it carries no name unless given, on the screen
or in what the page is sent; withdrawing; a facilitator hides one with a reason only
its contributor reads; typed attacks never run. Someone in two groups chooses which
group's board to see and add to: none at first, and never the two merged."""

from __future__ import annotations

import time
import uuid

from tests.browser.axe import missing, report, run_axe
from tests.classroom.test_class_browser import sign_in, signed_in_page
from tests.running_class import wait_until

PAGE = "module2/05-self-care.ipynb"
TOOLBOX = ".peerkit-exercise:has(.peerkit-board)"
PAYLOAD = '<img src=x onerror="window.__pwned=1">'
CHOOSE = "Which group\u2019s board?"
BOARD = "ideas/m2s5/self-care-toolbox"


def open_board(browser, rc, name: str):
    page = sign_in(browser, rc, name)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    page.goto(f"{rc.plan.url}/user/{name}/voila/render/{PAGE}")
    board = page.locator(TOOLBOX).locator(".peerkit-board")
    board.wait_for()
    page.frames_seen = frames  # type: ignore[attr-defined]
    return page, board


def test_ideas_arrive_live_without_names_and_can_be_withdrawn_or_hidden(
    browser, running_class, artifacts
) -> None:
    rc = running_class
    alice, alices = open_board(browser, rc, "alice")
    bob, bobs = open_board(browser, rc, "bob")
    fran, frans = open_board(browser, rc, "fran")
    assert alices.get_by_label(CHOOSE).count() == 0  # one group: no choice to make
    words = f"A walk by the river {time.time_ns()} {PAYLOAD}"
    alices.get_by_label("Add an idea to the group\u2019s board").fill(words)
    alices.get_by_role("button", name="Add to the board").click()
    added = time.monotonic()
    alices.get_by_text("Added to the board.").wait_for()
    idea = bobs.locator(".peerkit-board-idea", has_text=words)
    idea.wait_for(timeout=5_000)
    arrived = time.monotonic() - added
    assert idea.locator(".peerkit-board-who").inner_text() == "Shared without a name"
    hers = alices.locator(".peerkit-board-idea", has_text=words).locator(".peerkit-board-who")
    assert hers.inner_text() == "You, without your name"
    assert arrived < 2.0, f"bob's page showed the idea {arrived:.1f} s after it was added"
    assert not any("alice" in frame for frame in bob.frames_seen), "a name reached bob's page"

    # Bob gives his name; fran hides it with a reason only bob reads.
    mine = f"Music, loud {time.time_ns()}"
    bobs.get_by_label("Add an idea to the group\u2019s board").fill(mine)
    bobs.get_by_label("Show my name with it").check()
    bobs.get_by_role("button", name="Add to the board").click()
    named = alices.locator(".peerkit-board-idea", has_text=mine)
    named.wait_for(timeout=5_000)
    assert named.locator(".peerkit-board-who").inner_text() == "bob"
    own = bobs.locator(".peerkit-board-idea", has_text=mine).locator(".peerkit-board-who")
    assert own.inner_text() == "You, with your name"
    frans.locator(".peerkit-board-idea", has_text=mine).get_by_role("button", name="Hide").click()
    why = f"Please keep ideas about self-care in general. {PAYLOAD}"
    frans.get_by_label("Why you are hiding it (its contributor sees this)").fill(why)
    frans.get_by_role("button", name="Hide it").click()
    frans.get_by_text("Hidden from the group. Its contributor sees your reason.").wait_for()
    named.wait_for(state="detached", timeout=5_000)
    reason = bobs.locator(".peerkit-board-idea", has_text=mine).locator(".peerkit-board-reason")
    reason.wait_for(timeout=5_000)
    assert reason.inner_text() == f"Hidden by your facilitator: {why}"
    bobs.screenshot(path=str(artifacts / "class-idea-board-bob.png"))
    assert why not in alice.content()
    # The whole session page, board and all, with a hidden idea and the hide form open.
    frans.locator(".peerkit-board-idea", has_text=words).get_by_role("button", name="Hide").click()
    assert not missing(), missing()
    for page in (bob, fran):
        violations = run_axe(page)
        assert violations == [], report(violations)
    frans.get_by_role("button", name="Cancel").click()

    # Bob's keyboard stays on his idea's button while the board changes under it.
    bobs.locator(".peerkit-board-idea", has_text=mine).get_by_role(
        "button", name="Take it off the board"
    ).focus()
    extra = f"Breathing slowly {time.time_ns()}"
    alices.get_by_label("Add an idea to the group\u2019s board").fill(extra)
    alices.get_by_role("button", name="Add to the board").click()
    bobs.locator(".peerkit-board-idea", has_text=extra).wait_for(timeout=5_000)
    focused = bob.evaluate(
        "() => document.activeElement.closest('.peerkit-board-idea')?.textContent || ''"
    )
    assert mine in focused, "the redraw moved bob's keyboard focus"

    # Alice takes hers off: it leaves every page.
    alices.locator(".peerkit-board-idea", has_text=words).get_by_role(
        "button", name="Take it off the board"
    ).click()
    alices.get_by_text("Taken off the board.").wait_for()
    idea.wait_for(state="detached", timeout=5_000)
    frans.locator(".peerkit-board-idea", has_text=words).wait_for(state="detached")
    for page in (alice, bob, fran):
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator(".peerkit-board img").count() == 0
        page.context.close()


def texts(rc, who: str, path: str) -> list[str]:
    """The ideas ``who`` reads at ``path`` (under the service's API)."""
    status, data = rc.service_call("GET", path, rc.token_for(who))
    assert status == 200, (status, data)
    return [i["text"] for i in data["ideas"]]


def test_a_learner_in_two_groups_chooses_which_group_s_board(browser, running_class, artifacts):
    """Carol (of "tuesday") is put in a second group too, with P: her page shows no
    board until she chooses one, adds her idea to the chosen group's only, and shows
    each group's board apart."""
    rc = running_class
    p = rc.new_learner("p")
    second = rc.new_group(["carol", p])

    def groups() -> list[str]:
        return rc.service_call("GET", "whoami", rc.token_for("carol"))[1]["groups"]

    try:
        wait_until(lambda: sorted(groups()) == sorted([second, "tuesday"]), timeout=10)
        mark = uuid.uuid4().hex[:8]
        theirs, tuesdays = f"P's idea {mark}", f"Tuesday's idea {mark}"
        status, _ = rc.service_call("POST", BOARD, rc.token_for(p), {"text": theirs, "key": mark})
        assert status == 200
        body = {"text": tuesdays, "key": mark, "group": "tuesday"}
        assert rc.service_call("POST", BOARD, rc.token_for("tess"), body)[0] == 200

        carol, board = open_board(browser, rc, "carol")
        picker = board.get_by_label(CHOOSE)
        assert picker.input_value() == ""  # nothing chosen: nothing shown, nothing sent
        board.get_by_text("Choose a group to see its board.").wait_for()
        assert [o.strip() for o in picker.locator("option").all_inner_texts()] == [
            "Choose a group",
            *sorted([second, "tuesday"]),
        ]
        assert not any(mark in frame for frame in carol.frames_seen)

        mine = f"Tea in the garden {mark}"
        board.get_by_label("Add an idea to the group\u2019s board").fill(mine)
        board.get_by_role("button", name="Add to the board").click()
        refused = board.locator(".peerkit-board-message.peerkit-board-error")
        refused.filter(has_text="Choose which group\u2019s board first").wait_for()
        assert carol.evaluate("() => document.activeElement.tagName") == "SELECT"
        assert mine not in texts(rc, "carol", "ideas")  # not added anywhere
        carol.screenshot(path=str(artifacts / "class-idea-board-two-groups-none-chosen.png"))

        picker.select_option(label=second)
        board.locator(".peerkit-board-idea", has_text=theirs).wait_for()
        assert board.locator(".peerkit-board-idea", has_text=tuesdays).count() == 0
        board.get_by_text(f"Only the group \u201c{second}\u201d", exact=False).wait_for()
        board.get_by_role("button", name="Add to the board").click()
        board.get_by_text("Added to the board.").wait_for()
        board.locator(".peerkit-board-idea", has_text=mine).wait_for()
        assert mine in texts(rc, p, BOARD)
        assert mine not in texts(rc, "tess", BOARD)  # tuesday's board has no sight of it
        assert [i for i in texts(rc, "carol", "ideas") if mark in i] == [mine]
        assert not missing(), missing()
        violations = run_axe(carol)
        assert violations == [], report(violations)
        carol.screenshot(path=str(artifacts / "class-idea-board-two-groups.png"))

        picker.select_option(label="tuesday")
        board.locator(".peerkit-board-idea", has_text=tuesdays).wait_for()
        board.get_by_text("Showing the board of \u201ctuesday\u201d.").wait_for()
        for gone in (theirs, mine):
            assert board.locator(".peerkit-board-idea", has_text=gone).count() == 0
        carol.screenshot(path=str(artifacts / "class-idea-board-two-groups-tuesday.png"))
        carol.context.close()
    finally:  # carol is in "tuesday" only again, for the other tests
        body = {"users": ["carol"]}
        status, _ = rc.call("DELETE", f"/hub/api/groups/{second}/users", rc.admin_token, body)
        assert status in (200, 204), status


def test_the_print_view_of_a_group_s_ideas(browser, running_class, artifacts) -> None:
    """Fran prints monday's ideas: reached from her session board; on paper, only the
    ideas (no buttons, links or banner), names only where given, attacks inert."""
    rc = running_class
    mark = time.time_ns()
    for who, words, named in (
        ("alice", f"A cup of tea in the garden {mark}", False),
        ("bob", f"Calling my sister {mark} {PAYLOAD}", True),
    ):
        body = {"text": words, "named": named, "key": uuid.uuid4().hex}
        assert rc.service_call("POST", BOARD, rc.token_for(who), body)[0] == 200
    # Without the page's policy, so axe can run: escaping alone keeps attacks inert.
    page = signed_in_page(
        browser, rc, "fran", "/services/peerkit/board/m2s5", timeout=60_000, bypass_csp=True
    )
    page.get_by_role("link", name="Print the ideas of monday: ").click()
    page.get_by_role("heading", name="Ideas board: ").wait_for()
    assert page.get_by_role("button", name="Print these ideas").is_visible()
    ideas = page.locator(".pk-idea")
    assert (
        ideas.filter(has_text=f"A cup of tea in the garden {mark}").locator(".pk-who").inner_text()
        == "Shared without a name"
    )
    assert (
        ideas.filter(has_text=f"Calling my sister {mark}").locator(".pk-who").inner_text() == "bob"
    )
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(".pk-main img, .pk-main script").count() == 0
    assert not missing(), missing()
    violations = run_axe(page)
    assert violations == [], report(violations)
    page.emulate_media(media="print")
    for hidden in (".pk-header", ".pk-tools", ".pk-back"):
        assert page.locator(hidden).is_hidden(), hidden
    assert ideas.first.is_visible()
    page.screenshot(path=str(artifacts / "class-ideas-print.png"), full_page=True)
    page.context.close()
