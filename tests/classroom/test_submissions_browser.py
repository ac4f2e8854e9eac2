"""Essays with feedback as people meet them in Chromium: a learner submits their final
assignment from the session page, the facilitator reads it and writes feedback on
their board, and the learner finds the feedback under the assignment (and typed
attacks in the feedback never run)."""

from __future__ import annotations

import time

from peerkit.hub import api
from tests.browser.axe import missing, report, run_axe
from tests.classroom.test_class_browser import sign_in
from tests.running_class import wait_until

PAGE = "module1/11-review-and-evaluation.ipynb"
SUBMITTED = f"/services/{api.SERVICE_NAME}/board/m1s11/submitted"
PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
ASSIGNMENT = ".peerkit-exercise:has(.peerkit-submit)"


def open_as_facilitator(
    browser, rc, name: str, path: str, *, csp: bool = True, heading: str = "Work submitted to you"
):
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, locale="en-GB", bypass_csp=not csp
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{rc.plan.url}/hub/login?next={path}")
    page.fill("#username_input", name)
    page.fill("#password_input", rc.classroom.passwords()[name])
    page.click("#login_submit")
    page.wait_for_selector(f"h1:has-text('{heading}')")
    return page


def test_a_learner_submits_and_reads_the_facilitators_feedback(
    browser, running_class, artifacts
) -> None:
    rc = running_class
    learner = sign_in(browser, rc, "alice")
    learner.goto(f"{rc.plan.url}/user/alice/voila/render/{PAGE}")
    assignment = learner.locator(ASSIGNMENT)
    assignment.locator("textarea").wait_for()
    assert assignment.count() == 1  # only the assignment is offered for submitting
    words = f"What I learned in Module 1 {time.time_ns()}"
    assignment.locator("textarea").fill(words)
    # Submitted at once, even before the autosave's pause: what is seen is what is sent.
    assignment.get_by_role("button", name="Submit to my facilitator").click()
    assignment.get_by_text("Submitted to your facilitator on ").wait_for()
    assignment.screenshot(path=str(artifacts / "class-submit.png"))

    board = open_as_facilitator(browser, rc, "fran", SUBMITTED)
    work = board.locator(".pk-submission", has_text=words)
    assert "alice" in work.locator("h2").inner_text()
    work.get_by_label("Your feedback to alice").fill(f"Clear and honest. {PAYLOAD}")
    work.get_by_role("button", name="Send feedback").click()
    board.get_by_text("Your feedback has been sent.").wait_for()
    board.screenshot(path=str(artifacts / "class-feedback-board.png"), full_page=True)
    assert (
        board.locator(".pk-feedback .pk-text").last.inner_text() == f"Clear and honest. {PAYLOAD}"
    )

    # Changes after submitting stay on the learner's page, not on the board.
    assignment.locator("textarea").fill(words + " and more after submitting")
    learner.reload()
    assignment = learner.locator(ASSIGNMENT)
    note = assignment.locator(".peerkit-review-text")
    note.wait_for()
    assert note.inner_text() == f"Clear and honest. {PAYLOAD}"
    assert "fran" in assignment.locator(".peerkit-review-who").inner_text()
    assert (
        assignment.locator(".peerkit-submit-message")
        .inner_text()
        .startswith("You submitted this on ")
    )
    assignment.screenshot(path=str(artifacts / "class-feedback-learner.png"))
    assert not missing(), missing()
    violations = run_axe(learner)  # the session page, with the submission and its feedback
    assert violations == [], report(violations)
    for page in (learner, board):
        assert page.evaluate("() => window.__pwned") is None
    assert learner.locator(".peerkit-review img, .peerkit-review script").count() == 0
    board.reload()
    assert board.locator(".pk-submission", has_text=words).count() == 1
    assert board.locator(".pk-submission", has_text="and more after submitting").count() == 0

    # axe on the facilitator's page (its policy refuses injected scripts: bypassed here).
    checked = open_as_facilitator(browser, rc, "fran", SUBMITTED, csp=False)
    assert not missing(), missing()
    violations = run_axe(checked)
    assert violations == [], report(violations)
    for page in (learner, board, checked):
        page.context.close()


def test_the_groups_agreement_is_at_the_top_of_every_later_session(
    browser, running_class, artifacts
) -> None:
    rc = running_class
    board = open_as_facilitator(
        browser, rc, "fran", f"/services/{api.SERVICE_NAME}/board/m2s1/agreement",
        heading="Group agreement",
    )  # fmt: skip
    words = f"We listen without judging {time.time_ns()}.\n\nWe keep to time. {PAYLOAD}"
    board.get_by_label("The agreement of monday").fill(words)
    board.get_by_role("button", name="Save the agreement").click()
    board.get_by_text("The agreement has been saved.").wait_for()
    assert board.get_by_label("The agreement of monday").input_value() == words

    learner = sign_in(browser, rc, "bob")
    learner.goto(f"{rc.plan.url}/user/bob/voila/render/module2/03-boundaries.ipynb")
    box = learner.locator(".peerkit-agreement")
    box.wait_for()
    assert box.locator("h2").inner_text() == "Our group agreement for Module 2"
    paragraphs = box.locator("p").all_inner_texts()
    assert paragraphs[:2] == [words.split("\n\n")[0], words.split("\n\n")[1]]
    # Above the session's first exercise, whose check-in refers to it.
    above = learner.evaluate(
        "() => document.querySelector('.peerkit-agreement').getBoundingClientRect().top"
        " < document.querySelector('.peerkit-exercise').getBoundingClientRect().top"
    )
    assert above
    box.screenshot(path=str(artifacts / "class-agreement.png"))
    assert learner.evaluate("() => window.__pwned") is None
    assert box.locator("img, script").count() == 0
    for page in (board, learner):
        page.context.close()


def test_the_controls_say_so_when_the_course_has_gone(browser, running_class) -> None:
    """The learner's server stops under an open page: choosing or submitting says so."""
    rc = running_class
    learner = sign_in(browser, rc, "carol")
    learner.goto(f"{rc.plan.url}/user/carol/voila/render/{PAGE}")
    assignment = learner.locator(ASSIGNMENT)
    assignment.locator("textarea").fill("Carol's assignment, saved before the server stops")
    learner.wait_for_function(
        "() => /^Saved /.test(document.querySelector("
        "'.peerkit-exercise:has(.peerkit-submit) .peerkit-status').textContent)"
    )
    status, _ = rc.call("DELETE", "/hub/api/users/carol/server", rc.admin_token)
    assert status in (202, 204)
    wait_until(lambda: rc.call("GET", "/hub/api/users/carol", rc.admin_token)[1]["servers"] == {})

    assignment.locator(".peerkit-share summary").click()
    assignment.get_by_label("Me and my facilitator").check()
    error = assignment.locator(".peerkit-share-error")
    error.wait_for(timeout=30_000)
    assert "try again" in error.inner_text()
    assert assignment.get_by_label("Only me").is_checked()  # the choice is as it was

    assignment.get_by_role("button", name="Submit to my facilitator").click()
    refused = assignment.locator(".peerkit-submit-error")
    refused.wait_for(timeout=30_000)
    assert "try again" in refused.inner_text()
    assert assignment.get_by_role("button", name="Submit to my facilitator").is_enabled()
    learner.context.close()
