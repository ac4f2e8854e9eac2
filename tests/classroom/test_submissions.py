"""Essays with feedback, over HTTP against the real hub, service and PostgreSQL.

Each test makes its own group: learners A and B with facilitator F, and another
group's facilitator G. A submits an essay; who can read it, by every path; the
submitted copy stays as it was; F's feedback reaches A and nobody else.
"""

from __future__ import annotations

import json
import re
import urllib.parse

from peerkit.hub import api
from tests.classroom.callers import SERVICE, Caller, EventStream
from tests.classroom.conftest import in_a_group
from tests.running_class import wait_until

S, E = "m1s6", "essay-planner"
BOARD = f"/services/{api.SERVICE_NAME}/board/"
CANARY = "CANARY-essay-for-the-facilitator"
PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def write(rc, who: str, words: str) -> None:
    body = {"value": {"draft": words}, "base": None}
    status, data = rc.service_call("PUT", f"answers/{S}/{E}", rc.token_for(who), body)
    assert status == 200, (status, data)


def submit(rc, who: str) -> dict:
    status, data = rc.service_call("POST", f"answers/{S}/{E}/submissions", rc.token_for(who), {})
    assert status == 200, (status, data)
    return data["submission"]


def page(rc, who: str, path: str, form: dict | None = None) -> tuple[int, str]:
    """A board page as ``who`` (GET), or its form posted (POST): (status, the page)."""
    raw = None if form is None else urllib.parse.urlencode(form).encode()
    status, data = rc.call(
        "GET" if form is None else "POST", BOARD + path, rc.token_for(who), raw=raw,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    return status, data.decode() if isinstance(data, bytes) else json.dumps(data)


def submitted_page(rc, who: str) -> tuple[int, str]:
    return page(rc, who, f"{S}/submitted")


def give_feedback(rc, who: str, submission: int, text: str) -> tuple[int, str]:
    return page(rc, who, f"{S}/submitted", {"submission": submission, "feedback": text})


def everything(rc, who: str) -> str:
    """All that ``who`` can read from the service's API and boards, as one text."""
    token = rc.token_for(who)
    out = []
    for path in ("submissions", f"submissions?session={S}", "answers", "revisions", "consents"):
        out.append(json.dumps(rc.service_call("GET", path, token)[1]))
    for tail in ("board/", f"board/{S}", f"board/{S}/fragment", f"board/{S}/submitted",
                 "group/", f"group/{S}", f"group/{S}/fragment"):  # fmt: skip
        data = rc.call("GET", f"/services/{api.SERVICE_NAME}/{tail}", token)[1]
        out.append(data.decode() if isinstance(data, bytes) else json.dumps(data))
    return "\n".join(out)


def test_submitted_work_reaches_the_facilitator_only_and_stays_as_submitted(group) -> None:
    rc, a, b, f, g, _ = group
    write(rc, a, CANARY)
    status, page = submitted_page(rc, f)
    assert status == 200 and CANARY not in page  # saved is not submitted
    made = submit(rc, a)
    assert made["value"] == {"draft": CANARY} and made["feedback"] == []

    status, page = submitted_page(rc, f)
    assert status == 200 and CANARY in page and a in page  # with A's name
    for who in (b, g):
        assert CANARY not in everything(rc, who), f"{who} could read A's submitted essay"
    assert submitted_page(rc, b)[0] == 403  # B facilitates nobody

    # A goes on writing: F still reads the essay as A submitted it.
    write(rc, a, "A rewrite, not yet submitted")
    status, page = submitted_page(rc, f)
    assert CANARY in page and "A rewrite" not in page
    again = submit(rc, a)
    assert again["id"] != made["id"]
    assert "A rewrite" in submitted_page(rc, f)[1]


def test_feedback_reaches_the_learner_escaped_and_nobody_else(group) -> None:
    rc, a, b, f, g, _ = group
    write(rc, a, "My recovery story")
    made = submit(rc, a)

    status, _ = give_feedback(rc, g, made["id"], "G facilitates another group")
    assert status == 403
    status, page = give_feedback(rc, f, made["id"], "   ")
    assert status == 422 and "Write some feedback before you send it." in page

    words = f"Thoughtful work. {PAYLOAD}"
    status, page = give_feedback(rc, f, made["id"], words)
    assert status == 200, page  # the redirect is followed to the page again
    assert "Your feedback has been sent." in page
    assert PAYLOAD not in page and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page

    status, data = rc.service_call("GET", f"submissions?session={S}", rc.token_for(a))
    [mine] = data["submissions"]
    assert [(n["author"], n["text"]) for n in mine["feedback"]] == [(f, words)]
    for who in (b, g):
        assert "Thoughtful work." not in everything(rc, who)
    status, data = rc.service_call("GET", "submissions", rc.token_for(b))
    assert status == 200 and data == {"submissions": []}


def test_bad_submissions_are_refused_without_echoing(group) -> None:
    rc, a, _, f, *_ = group
    token = rc.token_for(a)
    status, data = rc.service_call("POST", f"answers/{S}/{E}/submissions", token, {})
    assert status == 422 and data["error"] == "Write your answer before you submit it."
    status, _ = rc.service_call("POST", f"answers/{S}/no-such/submissions", token, {})
    assert status == 404
    status, page = give_feedback(rc, f, 999_999_999, "feedback on nothing")
    assert status == 403 and "feedback on nothing" not in page
    status, page = give_feedback(rc, f, "not-a-number", "x")  # type: ignore[arg-type]
    assert status == 400
    assert not re.search(r"Traceback|Error:", page)


def whoami_groups(rc, who: str) -> list[str]:
    status, data = rc.service_call("GET", "whoami", rc.token_for(who))
    return data["groups"] if status == 200 else []


def agreement_page(rc, who: str, session: str = "m2s1") -> tuple[int, str]:
    return page(rc, who, f"{session}/agreement")


def record_agreement(rc, who: str, cohort: str, words: str) -> tuple[int, str]:
    return page(rc, who, "m2s1/agreement", {"cohort": cohort, "agreement": words})


def test_the_facilitator_records_the_agreement_and_only_the_group_reads_it(group) -> None:
    rc, a, b, f, g, other = group
    cohort = whoami_groups(rc, a)[0]
    # What A shared of the agreement exercise is there to draw on; B's private one is not.
    for who, words, audience in ((a, "A: we listen", "group"), (b, "B: private", "private")):
        body = {"value": {"i-commit": words}, "base": None}
        assert (
            rc.service_call("PUT", "answers/m2s1/core-behaviours", rc.token_for(who), body)[0]
            == 200
        )
        choice = {"audience": audience}
        path = "answers/m2s1/core-behaviours/consent"
        assert rc.service_call("PUT", path, rc.token_for(who), choice)[0] == 200
    status, page = agreement_page(rc, f)
    assert status == 200 and "A: we listen" in page and "B: private" not in page
    assert a not in page  # shared without a name

    words = f"We listen without judging. {PAYLOAD}"
    assert record_agreement(rc, b, cohort, "a learner's agreement")[0] == 403
    assert record_agreement(rc, g, cohort, "another group's facilitator")[0] == 403
    status, page = record_agreement(rc, f, cohort, words)
    assert status == 200 and "The agreement has been saved." in page
    assert PAYLOAD not in page and "&lt;script&gt;" in page

    for who in (a, b):
        status, data = rc.service_call("GET", "agreements?module=m2", rc.token_for(who))
        assert status == 200 and [x["text"] for x in data["agreements"]] == [words]
    status, data = rc.service_call("GET", "agreements?module=m2", rc.token_for(other))
    assert status == 200 and data["agreements"] == []
    assert "We listen without judging" not in agreement_page(rc, g)[1]
    assert rc.service_call("GET", "agreements?module=m1", rc.token_for(a))[1]["agreements"] == []
    assert agreement_page(rc, b)[0] == 403
    assert agreement_page(rc, f, "m2s2")[0] == 404  # recorded in the module's first session


def test_each_sessions_board_links_to_its_submitted_work_and_agreement(group) -> None:
    rc, a, _, f, *_ = group
    for session, agreement in (("m1s3", False), ("m1s6", False), ("m2s1", True)):
        status, text = page(rc, f, session)
        assert status == 200, (session, status)
        assert f'href="{BOARD}{session}/submitted"' in text
        assert (f'href="{BOARD}{session}/agreement"' in text) is agreement, session
    status, text = page(rc, a, "m2s1")  # a learner: no facilitator's board at all
    assert status == 403 and "/agreement" not in text


def listen(rc, who: str, path: str) -> EventStream:
    """``who``'s event stream at ``path`` (under the service), by token."""
    stream = Caller(who, "", rc.token_for(who)).listen(rc.plan.url, SERVICE + path)
    assert isinstance(stream, EventStream), stream
    return stream


def test_submitted_work_is_news_to_the_facilitators_pages_only(group) -> None:
    """Submitting, resubmitting, feedback and an erase each tell A's facilitator's pages
    ("submitted", nothing of the work itself); no one else's page hears of them."""
    rc, a, b, f, g, other = group
    f_hears, g_hears = listen(rc, f, f"board/{S}/events"), listen(rc, g, f"board/{S}/events")
    b_hears = listen(rc, b, f"group/{S}/events")
    try:
        write(rc, a, CANARY)
        made = submit(rc, a)
        assert f_hears.wait_for(1, event="submitted"), f_hears.heard
        status, fragment = page(rc, f, f"{S}/submitted/fragment")
        assert status == 200 and CANARY in fragment and f'id="submission-{made["id"]}"' in fragment
        assert "<html" not in fragment  # the live part only
        write(rc, a, f"Resubmitted {PAYLOAD}")
        submit(rc, a)
        assert f_hears.wait_for(2, event="submitted"), f_hears.heard
        fragment = page(rc, f, f"{S}/submitted/fragment")[1]
        assert (
            PAYLOAD not in fragment and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in fragment
        )
        assert give_feedback(rc, f, made["id"], "Feedback for the other facilitators")[0] == 200
        assert f_hears.wait_for(3, event="submitted"), f_hears.heard
        assert rc.service_call("DELETE", "revisions", rc.token_for(a))[0] == 200  # A erases
        assert f_hears.wait_for(4, event="submitted"), f_hears.heard
        assert CANARY not in page(rc, f, f"{S}/submitted/fragment")[1]
        # The erase is B's news too (A's answers went), after everything before it.
        assert b_hears.wait_for(1), b_hears.heard
        write(rc, other, "The essay of O")  # a marker: O's submission is G's news
        submit(rc, other)
        assert g_hears.wait_for(1, event="submitted"), g_hears.heard
    finally:
        sent = [stream.close() for stream in (f_hears, g_hears, b_hears)]
    assert g_hears.heard.get("submitted") == 1, g_hears.heard  # O's only, never A's
    assert "submitted" not in b_hears.heard  # a learner's board hears of no submission
    for text in sent:
        assert CANARY not in text and "Resubmitted" not in text
    assert page(rc, b, f"{S}/submitted/fragment")[0] == 403
    status, fragment = page(rc, g, f"{S}/submitted/fragment")
    assert status == 200 and "The essay of O" in fragment and a not in fragment


def test_a_saved_agreement_is_news_to_the_group_s_other_facilitators_only(running_class) -> None:
    """F1 and F2 facilitate one group, G another: F1 saving the agreement tells F2's
    page ("agreement"; the words are read from ``agreement/current``), never G's."""
    rc = running_class
    a, f1, f2, g, o = (rc.new_learner(stem) for stem in ("a", "f1", "f2", "g", "o"))
    cohort = rc.new_group([a], (f1, f2))
    other = rc.new_group([o], (g,))
    for who in (a, f1, f2, g, o):
        wait_until(lambda w=who: in_a_group(rc, w), timeout=10)
    f2_hears, g_hears = listen(rc, f2, "board/m2s1/events"), listen(rc, g, "board/m2s1/events")
    try:
        words = f"We keep to time. {PAYLOAD}"
        assert record_agreement(rc, f1, cohort, words)[0] == 200
        assert f2_hears.wait_for(1, event="agreement"), f2_hears.heard
        status, now = page(rc, f2, "m2s1/agreement/current")
        assert status == 200 and "<html" not in now
        assert f'data-group="{cohort}"' in now and f"Last saved by {f1}, " in now
        assert PAYLOAD not in now and "We keep to time. &lt;script&gt;" in now
        assert record_agreement(rc, g, other, "The other group's agreement")[0] == 200  # marker
        assert g_hears.wait_for(1, event="agreement"), g_hears.heard
    finally:
        sent = [stream.close() for stream in (f2_hears, g_hears)]
    assert g_hears.heard.get("agreement") == 1, g_hears.heard  # its own group's only
    assert f2_hears.heard.get("agreement") == 1, f2_hears.heard
    assert all("We keep to time" not in text for text in sent)  # news, never the words
    status, now = page(rc, g, "m2s1/agreement/current")
    assert status == 200 and "We keep to time" not in now and cohort not in now
    assert page(rc, a, "m2s1/agreement/current")[0] == 403
    assert page(rc, f1, "m2s2/agreement/current")[0] == 404
