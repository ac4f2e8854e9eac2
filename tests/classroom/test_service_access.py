"""Who can reach whose answers through the peerkit service: a real hub, service, PostgreSQL.

Learner A writes; learner B, facilitator F, other kinds of token and an anonymous
client then try every endpoint, including by naming A in the request. A violation
is any response carrying A's text to anyone but A, or any change to A's answers
not made by A. The counts are written to test-artifacts/service-access.json.
"""

from __future__ import annotations

import json

from peerkit.hub import api
from tests.browser.conftest import ARTIFACTS

S, E = "m1s1", "my-hopes"
CANARY = "CANARY-a-private-reflection-5d1e"


def answer_endpoints(victim: str) -> list[tuple[str, str, object]]:
    """Every endpoint of answers and their sharing, with bodies and queries that try to
    name the victim (tests/classroom/test_access_sweep.py tries them too)."""
    body = {"value": "overwritten by someone else", "base": None, "learner": victim}
    return [
        ("GET", "whoami", None),
        ("GET", f"whoami?learner={victim}", None),
        ("GET", "answers", None),
        ("GET", f"answers?session={S}&learner={victim}", None),
        ("GET", f"answers/{S}/{E}", None),
        ("GET", f"answers/{S}/{E}?learner={victim}", None),
        ("GET", f"answers/{S}/{E}/history", None),
        ("PUT", f"answers/{S}/{E}", body),
        ("PUT", f"answers/{S}/{E}?learner={victim}", body),
        ("GET", "revisions", None),
        ("GET", f"revisions?learner={victim}", None),
        ("GET", "revisions/count", None),
        ("DELETE", f"revisions?learner={victim}", None),
        ("GET", "draft-secret", None),
        ("GET", f"answers/{victim}/{E}", None),
        ("GET", f"answers/{S}/{E}/consent", None),
        ("GET", f"answers/{S}/{E}/consent?learner={victim}", None),
        ("PUT", f"answers/{S}/{E}/consent?learner={victim}", {"audience": "group-named"}),
        ("GET", f"answers/{S}/{E}/consent/history", None),
        ("GET", "consents", None),
        ("GET", f"../../users/{victim}", None),
    ]


def test_no_one_but_the_learner_reaches_their_answers(running_class) -> None:
    rc = running_class
    alice, bob = rc.new_learner("a"), rc.new_learner("b")
    fran = "fran"  # in the facilitators group
    a_token = rc.token_for(alice)
    status, saved = rc.service_call(
        "PUT", f"answers/{S}/{E}", a_token, {"value": CANARY, "base": 0}
    )
    assert status == 200, saved
    a_secret = rc.service_call("GET", "draft-secret", a_token)[1]["secret"]
    status, before = rc.service_call("GET", "revisions", a_token)
    assert status == 200 and len(before["revisions"]) == 1

    rc.ensure_user("nobody-scoped")
    callers = {
        "learner B": rc.token_for(bob),
        "facilitator F": rc.token_for(fran),
        "A's token without the service scope": rc.token_for(
            alice, (f"read:users:name!user={alice}",)
        ),
        "a service's token": rc.admin_token,
        "a made-up token": "0" * 32,
        "anonymous": None,
    }
    tried, violations = 0, []
    for who, token in callers.items():
        for method, path, body in answer_endpoints(alice):
            for route in ("direct", "proxy"):
                tried += 1
                if route == "direct":
                    status, data = rc.service_call(method, path, token, body)
                else:
                    status, data = rc.call(method, api.PREFIX + path, token, body)
                text = json.dumps(data) if not isinstance(data, bytes) else data.decode("latin-1")
                if CANARY in text or a_secret in text:
                    violations.append(f"{who} {method} {path} via {route}: saw A's answer")
                refused = who not in ("learner B", "facilitator F")
                outside = route == "proxy" and path.startswith("..")  # not the service's
                if refused and status < 400 and not outside:
                    violations.append(f"{who} {method} {path}: {status}")
    status, after = rc.service_call("GET", "revisions", a_token)
    if [r["value"] for r in after["revisions"]] != [CANARY]:
        violations.append("A's answers changed")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "service-access.json").write_text(
        json.dumps({"cases": tried, "violations": violations}, indent=1)
    )
    assert tried >= 150
    assert violations == []


def test_what_each_caller_is_told(running_class) -> None:
    rc = running_class
    alice = rc.new_learner("a")
    assert rc.service_call("GET", "whoami", rc.token_for(alice)) == (
        200,
        {"learner": alice, "groups": [], "facilitator": False},
    )
    assert rc.service_call("GET", "whoami", None)[0] == 401
    assert rc.service_call("GET", "whoami", "0" * 32)[0] in (401, 403)
    # A service's token is nobody's answers; a token without the scope is refused.
    assert rc.service_call("GET", "whoami", rc.admin_token)[0] in (401, 403)
    narrow = rc.token_for(alice, (f"read:users:name!user={alice}",))
    assert rc.service_call("GET", "whoami", narrow)[0] in (401, 403)
    # Through the proxy, the same answers.
    assert rc.call("GET", api.PREFIX + "whoami", rc.token_for(alice))[1]["learner"] == alice


def test_a_learner_writing_as_someone_else_writes_as_themselves(running_class) -> None:
    rc = running_class
    alice, bob = rc.new_learner("a"), rc.new_learner("b")
    body = {"value": "bob's own words", "base": None, "learner": alice}
    status, data = rc.service_call(
        "PUT", f"answers/{S}/{E}?learner={alice}", rc.token_for(bob), body
    )
    assert status == 200 and data["revision"]["learner"] == bob
    assert rc.store_for(alice).all_revisions(alice) == []
    assert [r.value for r in rc.store_for(bob).all_revisions(bob)] == ["bob's own words"]
