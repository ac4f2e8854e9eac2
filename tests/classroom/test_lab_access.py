"""JupyterLab is for facilitators: a learner's server serves the course in Voilà only.

Against the real hub, with each person's sign-in cookies (as their browser holds
them): a learner asking for JupyterLab, the classic notebook's pages or Lab's own
API gets 404, whatever they add to the address or to the request that starts
their server; a facilitator's server is JupyterLab with the course's notebooks. Both
land on the course home.
"""

from __future__ import annotations

import re

from peerkit.hub.authoring import AUTHORING_ENV
from tests.browser.axe import report, run_axe
from tests.classroom.callers import Caller, Reply
from tests.classroom.test_class_browser import sign_in
from tests.running_class import wait_until

LEARNER, FACILITATOR = "carol", "tess"
HOME = "/voila/render/index.ipynb"
#: JupyterLab's page, and the pages of the other notebook interfaces, with Lab's API.
AUTHORING = (
    "/lab",
    "/lab?reset",
    "/lab/tree/index.ipynb",
    "/lab/api/settings",
    "/lab/api/workspaces",
    "/tree",
    "/notebooks/index.ipynb",
    "/edit/index.ipynb",
    "/nbclassic/tree",
    "/lsp/status",
)
#: What a learner might add to ask for it themselves.
ASKING = (
    "?authoring=1",
    f"?{AUTHORING_ENV}=1",
    "?lab=1&facilitator=1",
)


def is_lab(reply: Reply) -> bool:
    return reply.status == 200 and bool(re.search(r'"appName":\s*"JupyterLab"', reply.text))


def tries(browser: Caller, base: str, name: str) -> dict[str, int | str]:
    """Every authoring address on ``name``'s server: its status after any redirects
    ("lab" when JupyterLab's page came back)."""
    found: dict[str, int | str] = {}
    for path in (*AUTHORING, *(f"/lab{query}" for query in ASKING)):
        reply = browser.send(base, "GET", f"/user/{name}{path}")
        found[path] = "lab" if is_lab(reply) else reply.status
    return found


def all_refused() -> dict[str, int | str]:
    return dict.fromkeys([*AUTHORING, *(f"/lab{query}" for query in ASKING)], 404)


def servers(rc, name: str) -> dict:
    return rc.call("GET", f"/hub/api/users/{name}", rc.admin_token)[1]["servers"]


def server_ready(rc, name: str) -> bool:
    return bool(servers(rc, name).get("", {}).get("ready"))


def lands_on_the_course_home(browser: Caller, base: str, name: str) -> None:
    reply = browser.send(base, "GET", f"/user/{name}/")
    assert reply.status == 200 and reply.url.endswith(f"/user/{name}{HOME}"), (
        reply.status,
        reply.url,
    )
    assert "peerkit" in reply.text


def test_jupyterlab_is_a_facilitators_and_never_a_learners(running_class) -> None:
    rc = running_class
    base = rc.plan.url
    for name in (LEARNER, FACILITATOR):
        rc.start_server(name)
    learner = Caller("learner", "A", jar=rc.signed_in(LEARNER))
    facilitator = Caller("facilitator", "F", jar=rc.signed_in(FACILITATOR))

    lab = facilitator.send(base, "GET", f"/user/{FACILITATOR}/lab")
    assert is_lab(lab), lab.status
    listing = facilitator.send(base, "GET", f"/user/{FACILITATOR}/api/contents/module1")
    assert listing.status == 200 and "01-introduction.ipynb" in listing.text
    lands_on_the_course_home(facilitator, base, FACILITATOR)

    lands_on_the_course_home(learner, base, LEARNER)
    assert tries(learner, base, LEARNER) == all_refused()

    # The learner restarts their server asking for it in the spawn request's options.
    rc.stop_server(LEARNER)
    wait_until(lambda: not servers(rc, LEARNER))
    options = {"authoring": True, AUTHORING_ENV: "1", "environment": {AUTHORING_ENV: "1"}}
    own_token = rc.token_for(LEARNER, ("self",))
    status, data = rc.call("POST", f"/hub/api/users/{LEARNER}/server", own_token, options)
    assert status in (201, 202), (status, data)
    wait_until(lambda: server_ready(rc, LEARNER), timeout=120)
    lands_on_the_course_home(learner, base, LEARNER)
    assert tries(learner, base, LEARNER) == all_refused()


def test_in_chromium_jupyterlab_opens_for_a_facilitator_and_not_for_a_learner(
    browser, running_class, artifacts
) -> None:
    rc = running_class
    facilitator = sign_in(browser, rc, FACILITATOR)  # lands on the course home too
    facilitator.goto(f"{rc.plan.url}/user/{FACILITATOR}/lab/tree/module1")
    facilitator.locator(".jp-DirListing-item", has_text="01-introduction.ipynb").wait_for()
    facilitator.screenshot(path=str(artifacts / "class-facilitator-jupyterlab.png"))
    facilitator.context.close()

    learner = sign_in(browser, rc, LEARNER)
    response = learner.goto(f"{rc.plan.url}/user/{LEARNER}/lab/tree/module1")
    assert response is not None and response.status == 404, response and response.status
    assert learner.locator(".jp-LabShell, .jp-DirListing").count() == 0
    # Not Jupyter's bare 404: the course's words, the support lines and the way home.
    heading = learner.get_by_role("heading", level=1)
    assert heading.inner_text() == "This page is not part of the course"
    assert learner.locator("html").get_attribute("lang") == "en-GB"
    assert "Samaritans" in learner.get_by_role("region", name="Where to get support").inner_text()
    violations = run_axe(learner)
    assert not violations, report(violations)
    learner.screenshot(path=str(artifacts / "class-learner-no-jupyterlab.png"))
    learner.get_by_role("link", name="Go to the course home").click()
    learner.wait_for_selector(".peerkit-home")
    assert learner.url.endswith(f"/user/{LEARNER}{HOME}"), learner.url
    learner.context.close()
