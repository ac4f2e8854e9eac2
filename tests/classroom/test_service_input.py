"""Bad input to the peerkit service: a clear 4xx, nothing stored, nothing echoed, still up."""

from __future__ import annotations

import json

import pytest

from peerkit.hub import api
from peerkit.store.answers import MAX_ANSWER_CHARS

S, E = "m1s1", "my-hopes"
CANARY = "CANARY-never-echoed-91b2"

BAD = [
    # (what, method, path, raw body, content type, expected status)
    ("malformed JSON", "PUT", f"answers/{S}/{E}", b'{"value": "' + CANARY.encode(), None, 400),
    ("JSON that is not an object", "PUT", f"answers/{S}/{E}",
     json.dumps([CANARY]).encode(), None, 400),
    ("no value", "PUT", f"answers/{S}/{E}", json.dumps({"text": CANARY}).encode(), None, 400),
    ("a base that is not a number", "PUT", f"answers/{S}/{E}",
     json.dumps({"value": CANARY, "base": "7"}).encode(), None, 400),
    ("a base that is true", "PUT", f"answers/{S}/{E}",
     json.dumps({"value": CANARY, "base": True}).encode(), None, 400),
    ("a number for an answer", "PUT", f"answers/{S}/{E}",
     json.dumps({"value": 12, "base": None}).encode(), None, 422),
    ("an answer nested too deep", "PUT", f"answers/{S}/{E}",
     json.dumps({"value": [[[[[CANARY]]]]], "base": None}).encode(), None, 422),
    ("an answer over the limit", "PUT", f"answers/{S}/{E}",
     json.dumps({"value": CANARY + "x" * MAX_ANSWER_CHARS, "base": None}).encode(), None, 422),
    ("a body over the size limit", "PUT", f"answers/{S}/{E}",
     b'{"value": "' + b"y" * (api.MAX_BODY_BYTES + 10) + b'"}', None, 413),
    ("form data, not JSON", "PUT", f"answers/{S}/{E}",
     f"value={CANARY}".encode(), "application/x-www-form-urlencoded", 415),
    ("an unknown session", "PUT", f"answers/m9s9/{E}",
     json.dumps({"value": CANARY}).encode(), None, 404),
    ("an unknown exercise", "PUT", f"answers/{S}/no-such-exercise",
     json.dumps({"value": CANARY}).encode(), None, 404),
    ("an id with capitals", "GET", f"answers/{S}/My-Hopes", None, None, 404),
    ("an unknown path", "GET", "secrets", None, None, 404),
    ("a method the path does not take", "POST", "revisions/count", b"{}", None, 405),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "method", "path", "raw", "ctype", "expected"), BAD, ids=[b[0] for b in BAD]
)
def test_bad_requests_get_a_clear_refusal_and_store_nothing(
    running_class, what, method, path, raw, ctype, expected
) -> None:
    rc = running_class
    learner = rc.new_learner("bad")
    token = rc.token_for(learner)
    headers = {"Content-Type": ctype} if ctype else {}
    status, data = rc.service_call(method, path, token, raw=raw, headers=headers)
    assert status == expected, (what, status, data)
    assert isinstance(data, dict) and isinstance(data.get("error"), str), data
    assert CANARY not in json.dumps(data)
    assert "SELECT" not in data["error"].upper() and "Traceback" not in data["error"]
    assert rc.service_call("GET", "revisions/count", token) == (200, {"count": 0})
    assert rc.service_call("GET", "health", None)[0] == 200


def test_the_service_log_holds_no_learner_text(running_class) -> None:
    rc = running_class
    learner = rc.new_learner("log")
    token = rc.token_for(learner)
    rc.service_call("PUT", f"answers/{S}/{E}", token, {"value": CANARY, "base": 0})
    rc.service_call("PUT", f"answers/{S}/{E}", token, raw=b'{"value": "' + CANARY.encode())
    rc.service_call("PUT", f"answers/{S}/nope", token, {"value": CANARY})
    for log in rc.classroom.logs_dir.glob("*.log"):
        assert CANARY not in log.read_text(encoding="utf-8", errors="replace"), log.name


def test_answers_are_never_served_as_html(running_class) -> None:
    rc = running_class
    learner = rc.new_learner("html")
    token = rc.token_for(learner)
    evil = "<script>alert('x')</script>"
    rc.service_call("PUT", f"answers/{S}/{E}", token, {"value": evil, "base": 0})
    import urllib.request

    request = urllib.request.Request(
        f"{rc.plan.service_url}{api.PREFIX}answers/{S}/{E}",
        headers={"Authorization": f"token {token}", "Accept": "text/html"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert json.loads(response.read())["revision"]["value"] == evil
