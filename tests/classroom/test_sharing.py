"""Sharing an answer, over HTTP against the real hub, service and PostgreSQL.

Each test makes its own group: learners A and B with facilitator F, and another
group's facilitator G. A shares one answer with F only; who then sees it, by every
path of the service; withdrawing; an answer shared without a name; events.
"""

from __future__ import annotations

import json
import time

from peerkit.hub import api
from tests.classroom.callers import Caller, EventStream
from tests.classroom.conftest import in_a_group
from tests.running_class import wait_until

S, E, E2 = "m1s3", "turning-points", "what-helped"
BOARD = f"/services/{api.SERVICE_NAME}/"
CANARY = "CANARY-shared-with-the-facilitator-only"


def put(rc, who: str, path: str, body: object) -> dict:
    status, data = rc.service_call("PUT", path, rc.token_for(who), body)
    assert status == 200, (status, data)
    return data


def board(rc, who: str, kind: str, session: str = S) -> tuple[int, str]:
    status, data = rc.call("GET", f"{BOARD}{kind}/{session}/fragment", rc.token_for(who))
    text = data.decode() if isinstance(data, bytes) else json.dumps(data)
    return status, text


def page(rc, who: str, path: str) -> tuple[int, str]:
    """A board page under the service, as ``who`` (status, text)."""
    status, data = rc.call("GET", BOARD + path, rc.token_for(who))
    return status, data.decode() if isinstance(data, bytes) else json.dumps(data)


def every_path(rc, who: str, victim: str) -> list[tuple[int, str]]:
    """Everything ``who`` can ask the service for, naming ``victim`` where a request can."""
    token = rc.token_for(who)
    out = []
    for path in (
        "answers", f"answers/{S}/{E}", f"answers/{S}/{E}?learner={victim}",
        f"answers/{S}/{E}/history", "revisions", f"answers/{S}/{E}/consent", "consents",
        f"answers/{S}/{E}/consent/history?learner={victim}",
    ):  # fmt: skip
        status, data = rc.service_call("GET", path, token)
        out.append((status, json.dumps(data)))
    for kind in ("board", "group"):
        for tail in ("", S, f"{S}/fragment"):
            status, data = rc.call("GET", f"{BOARD}{kind}/{tail}", token)
            out.append((status, data.decode() if isinstance(data, bytes) else json.dumps(data)))
    return out


def test_a_shares_with_the_facilitator_only(group) -> None:
    rc, a, b, f, g, _ = group
    put(rc, a, f"answers/{S}/{E}", {"value": CANARY, "base": 0})
    assert rc.service_call("GET", f"answers/{S}/{E}/consent", rc.token_for(a))[1] == {
        "consent": None
    }
    # Private by default: nobody's board has it.
    assert CANARY not in board(rc, f, "board")[1]

    chosen = put(rc, a, f"answers/{S}/{E}/consent", {"audience": "facilitator"})["consent"]
    assert chosen["audience"] == "facilitator"
    status, seen = board(rc, f, "board")
    assert status == 200 and CANARY in seen and a in seen  # with A's name

    leaks = [(s, t) for who in (b, g) for s, t in every_path(rc, who, a) if CANARY in t]
    assert leaks == []
    # B is no facilitator: the facilitator's board refuses them outright.
    assert board(rc, b, "board")[0] == 403
    # G facilitates another group: their board is open but A is not on it.
    status, other = board(rc, g, "board")
    assert status == 200 and CANARY not in other

    put(rc, a, f"answers/{S}/{E}/consent", {"audience": "private"})
    assert CANARY not in board(rc, f, "board")[1]
    status, history = rc.service_call("GET", f"answers/{S}/{E}/consent/history", rc.token_for(a))
    assert [c["audience"] for c in history["consents"]] == ["facilitator", "private"]


def test_shared_without_a_name_carries_no_name_or_id(group) -> None:
    rc, a, b, f, *_ = group
    words = "What helps me: walking by the river"
    put(rc, a, f"answers/{S}/{E2}", {"value": words, "base": 0})
    put(rc, a, f"answers/{S}/{E2}/consent", {"audience": "group"})
    for who, kind in ((b, "group"), (f, "board"), (a, "group")):
        status, text = board(rc, who, kind)
        assert status == 200 and words in text, (who, kind)
        assert a not in text, f"{kind} board of {who} names the learner"
    put(rc, a, f"answers/{S}/{E2}/consent", {"audience": "group-named"})
    status, text = board(rc, b, "group")
    assert words in text and a in text


def test_a_choice_that_is_not_offered_is_refused(group) -> None:
    rc, a, *_ = group
    status, data = rc.service_call(
        "PUT", f"answers/{S}/{E}/consent", rc.token_for(a), {"audience": "everyone"}
    )
    assert status == 422 and "everyone" not in json.dumps(data)
    status, _ = rc.service_call("PUT", f"answers/{S}/no-such/consent", rc.token_for(a), {})
    assert status == 404


def open_board(rc, who: str, kind: str, session: str = S) -> EventStream:
    """``who``'s board of ``kind`` for the session, open: its server-sent events."""
    stream = Caller(who, "", rc.token_for(who)).listen(
        rc.plan.url, f"{BOARD}{kind}/{session}/events"
    )
    assert isinstance(stream, EventStream), stream
    return stream


def test_withdrawing_reaches_the_open_board_within_two_seconds(group) -> None:
    rc, a, _, f, g, _ = group
    put(rc, a, f"answers/{S}/{E}", {"value": "shared, then withdrawn", "base": 0})
    put(rc, a, f"answers/{S}/{E}/consent", {"audience": "facilitator"})
    fs, gs = open_board(rc, f, "board"), open_board(rc, g, "board")
    try:
        put(rc, a, f"answers/{S}/{E}/consent", {"audience": "private"})
        assert fs.wait_for(1, timeout=2.0), "F's board was not told within 2 s"
        assert "shared, then withdrawn" not in board(rc, f, "board")[1]
        # G's board shows nobody of A's group, so it is not even told.
        assert not gs.wait_for(1, timeout=0.5)
        # A private save is nobody's news: F hears of the next shared change only.
        put(rc, a, f"answers/{S}/{E}", {"value": "edited while withdrawn", "base": None})
        put(rc, a, f"answers/{S}/{E2}", {"value": "kept to myself", "base": 0})
        put(rc, a, f"answers/{S}/{E}/consent", {"audience": "facilitator"})
        assert fs.wait_for(2, timeout=2.0)
        assert not fs.wait_for(3, timeout=0.5), "a private save was announced to F's board"
        # Shared again: its next save is news once more.
        put(rc, a, f"answers/{S}/{E}", {"value": "edited while shared", "base": None})
        assert fs.wait_for(3, timeout=2.0), "a shared save was not announced to F's board"
    finally:
        fs.close()
        gs.close()


def test_the_choice_survives_the_service_and_postgres_restarting(group) -> None:
    rc, a, _, f, *_ = group
    put(rc, a, f"answers/{S}/{E}", {"value": "kept across restarts", "base": 0})
    put(rc, a, f"answers/{S}/{E}/consent", {"audience": "facilitator"})
    classroom = rc.classroom
    classroom.stop_service()
    classroom.postgres.stop()
    classroom.postgres.start()
    classroom.start_service()
    status, data = rc.service_call("GET", f"answers/{S}/{E}/consent", rc.token_for(a))
    assert status == 200 and data["consent"]["audience"] == "facilitator"
    assert "kept across restarts" in board(rc, f, "board")[1]


def test_a_boards_xsrf_token_never_reaches_a_log(group) -> None:
    """The event stream carries the token in its address; no log keeps the address's query."""
    rc = group[0]
    secret = f"xsrf-{time.time_ns()}"
    status, _ = rc.call("GET", f"{BOARD}group/{S}/events?_xsrf={secret}")
    assert status == 401  # not signed in: refused, and logged
    service_log = rc.classroom.logs_dir / "service.log"
    wait_until(lambda: f"401 GET {BOARD}group/{S}/events" in service_log.read_text())
    for log in rc.classroom.logs_dir.iterdir():
        assert secret not in log.read_text(errors="replace"), log.name


def test_a_learner_in_two_groups_shares_with_one_group_only(running_class) -> None:
    """M is in two groups (with P; with Q). An answer M shares "with my group" goes to
    the one group M names, and no group's board shows it without one; M reads each
    group's board apart, never the two merged."""
    rc = running_class
    m, p, q, x = (rc.new_learner(stem) for stem in ("m", "p", "q", "x"))
    one, two = rc.new_group([m, p]), rc.new_group([m, q])
    third = rc.new_group([x])
    for who in (p, q, x):
        wait_until(lambda w=who: in_a_group(rc, w), timeout=10)
    wait_until(
        lambda: len(rc.service_call("GET", "whoami", rc.token_for(m))[1]["groups"]) == 2,
        timeout=10,
    )
    words = "An answer of M for the first group only"
    put(rc, m, f"answers/{S}/{E}", {"value": words, "base": 0})
    # Someone in two groups must say which: refused, saying why, never echoing.
    path = f"answers/{S}/{E}/consent"
    for body, status, why in (
        ({"audience": "group-named"}, 400, "more than one group"),
        ({"audience": "group-named", "group": third}, 403, "not in that group"),
        ({"audience": "group", "group": ["x"]}, 403, "not in that group"),
    ):
        answer = rc.service_call("PUT", path, rc.token_for(m), body)
        assert answer[0] == status and why in answer[1]["error"], answer
        assert third not in json.dumps(answer[1])
    assert rc.service_call("GET", path, rc.token_for(m))[1] == {"consent": None}
    for who in (q, p):
        status, text = board(rc, who, "group")
        assert status == 200 and words not in text, who
    chosen = put(rc, m, path, {"audience": "group-named", "group": one})
    assert chosen["consent"]["group"] == one
    status, text = board(rc, p, "group")
    assert status == 200 and words in text and m in text
    status, text = board(rc, q, "group")  # only in the other group: not theirs
    assert status == 200 and words not in text
    # M reads one group's board at a time: none until M says which.
    status, text = page(rc, m, "group/")
    assert status == 200 and f"group={one}" in text and f"group={two}" in text
    assert words not in text
    assert board(rc, m, "group")[0] == 400
    for group, status, shown in ((one, 200, True), (two, 200, False), (third, 403, False)):
        got, text = page(rc, m, f"group/{S}/fragment?group={group}")
        assert got == status and (words in text) is shown, group
    status, text = page(rc, m, f"group/{S}?group={one}")
    assert status == 200 and f"events?group={one}" in text
    # Q's board and the second group's show Q's own sharing, not M's.
    put(rc, q, f"answers/{S}/{E2}", {"value": "Q for the second group", "base": 0})
    put(rc, q, f"answers/{S}/{E2}/consent", {"audience": "group"})
    got, text = page(rc, m, f"group/{S}/fragment?group={two}")
    assert got == 200 and "Q for the second group" in text
    assert "Q for the second group" not in board(rc, p, "group")[1]
    for log in rc.classroom.logs_dir.glob("*.log"):
        assert words not in log.read_text(encoding="utf-8", errors="replace"), log.name


def test_moving_to_another_group_takes_a_shared_answer_off_every_board(running_class) -> None:
    """Shared with "my group", then moved to another group by the hub's admin: the answer
    is on neither group's board (the old one is no longer theirs, the new one was never
    chosen) until the learner chooses again."""
    rc = running_class
    mover, stayer, newcomer, f1, f2 = (
        rc.new_learner(stem) for stem in ("mover", "stayer", "newcomer", "f1", "f2")
    )
    old = rc.new_group([mover, stayer], (f1,))
    new = rc.new_group([newcomer], (f2,))
    for who in (mover, stayer, newcomer, f1, f2):
        wait_until(lambda w=who: in_a_group(rc, w), timeout=10)
    canary = f"CANARY-moved-{rc.new_learner('x')}"
    put(rc, mover, f"answers/{S}/{E}", {"value": canary, "base": 0})
    chosen = put(rc, mover, f"answers/{S}/{E}/consent", {"audience": "group-named"})
    assert chosen["consent"]["group"] == old
    assert canary in board(rc, stayer, "group")[1] and canary in board(rc, f1, "board")[1]

    moved = {"users": [mover]}
    assert rc.call("DELETE", f"/hub/api/groups/{old}/users", rc.admin_token, moved)[0] == 200
    assert rc.call("POST", f"/hub/api/groups/{new}/users", rc.admin_token, moved)[0] == 200

    def groups_now() -> list[str]:
        return rc.service_call("GET", "whoami", rc.token_for(mover))[1]["groups"]

    wait_until(lambda: groups_now() == [new], timeout=10)
    for who, kind in ((stayer, "group"), (f1, "board"), (newcomer, "group"), (f2, "board")):
        status, seen = board(rc, who, kind)
        assert status == 200 and canary not in seen, (who, kind)
    # Chosen again, now for the new group: there, and still not with the old one.
    assert (
        put(rc, mover, f"answers/{S}/{E}/consent", {"audience": "group-named"})["consent"]["group"]
        == new
    )
    assert canary in board(rc, newcomer, "group")[1] and canary in board(rc, f2, "board")[1]
    assert canary not in board(rc, stayer, "group")[1]
