"""The group's board in a session page, as people meet it in Chromium: a learner adds
an idea and the others see it arrive; it carries no name unless given, on the screen
or in what the page is sent; withdrawing; a facilitator hides one with a reason only
its contributor reads; typed attacks never run."""

from __future__ import annotations

import time

from tests.browser.axe import missing, report, run_axe
from tests.classroom.test_class_browser import sign_in

PAGE = "module2/05-self-care.ipynb"
TOOLBOX = ".peerkit-exercise:has(.peerkit-board)"
PAYLOAD = '<img src=x onerror="window.__pwned=1">'


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
