"""Ideas on a group's board, over HTTP against the real hub, service and PostgreSQL.

Learners add ideas (without their name unless they give it), withdraw their own; a
facilitator hides one with a reason that only its contributor sees; nobody outside
the group sees any; thirty learners adding at once lose and duplicate nothing.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from peerkit.hub import api
from tests.classroom.callers import Caller, EventStream
from tests.classroom.conftest import in_a_group
from tests.running_class import wait_until

S, E = "m2s5", "self-care-toolbox"
BOARD = f"ideas/{S}/{E}"
#: Another exercise's group board (module 2's core behaviours).
ELSEWHERE = "ideas/m2s1/core-behaviours"


def call(rc, method: str, who: str, path: str = BOARD, body: object = None):
    return rc.service_call(method, path, rc.token_for(who), body)


def add(
    rc, who: str, text: str, *, named: bool = False, key: str | None = None, board: str = BOARD
) -> int:
    body = {"text": text, "named": named, "key": key or uuid.uuid4().hex}
    status, data = call(rc, "POST", who, board, body)
    assert status == 200, (status, data)
    return int(data["id"])


def seen(rc, who: str, path: str = BOARD) -> list[dict]:
    status, data = call(rc, "GET", who, path)
    assert status == 200, (status, data)
    return data["ideas"]


def test_an_idea_reaches_the_group_without_a_name_unless_given(group) -> None:
    rc, a, b, f, g, other = group
    quiet = add(rc, a, "A walk before breakfast")
    add(rc, a, "Calling a friend", named=True)
    for who in (b, f):
        ideas = {i["text"]: i for i in seen(rc, who)}
        assert ideas["A walk before breakfast"]["who"] is None
        assert ideas["Calling a friend"]["who"] == a
        raw = json.dumps(call(rc, "GET", who)[1])
        assert raw.count(a) == 1  # the named idea only: nothing else carries A's name or id
    mine = {i["text"]: i for i in seen(rc, a)}
    assert mine["A walk before breakfast"]["mine"] is True
    for who in (g, other):  # another group's facilitator and learner
        assert seen(rc, who) == []
    assert call(rc, "DELETE", b, f"{BOARD}/{quiet}")[0] == 404  # not B's to withdraw
    assert call(rc, "DELETE", a, f"{BOARD}/{quiet}")[0] == 200
    assert "A walk before breakfast" not in [i["text"] for i in seen(rc, b) + seen(rc, a)]
    # A's own list (the portfolio's) keeps it, marked; nobody else's has either idea.
    own = {i["text"]: i["withdrawn"] for i in call(rc, "GET", a, "ideas")[1]["ideas"]}
    assert own == {"A walk before breakfast": True, "Calling a friend": False}
    assert call(rc, "GET", b, "ideas")[1] == {"ideas": []}


def test_a_facilitator_hides_an_idea_and_only_its_contributor_reads_why(group) -> None:
    rc, a, b, f, g, _ = group
    idea = add(rc, a, "Something that names another person")
    reason = "It names someone outside the group: please write it without the name."
    assert call(rc, "POST", b, f"{BOARD}/{idea}/hide", {"reason": "no"})[0] == 403
    assert call(rc, "POST", g, f"{BOARD}/{idea}/hide", {"reason": "no"})[0] == 404
    status, data = call(rc, "POST", f, f"{BOARD}/{idea}/hide", {"reason": "  "})
    assert status == 422 and data["error"] == "Write your reason first."
    assert call(rc, "POST", f, f"{BOARD}/{idea}/hide", {"reason": reason})[0] == 200
    assert seen(rc, b) == []  # gone for the group
    [own] = seen(rc, a)
    assert own["hidden"] is True and own["reason"] == reason
    [marked] = seen(rc, f)
    assert marked["hidden"] is True and marked["who"] is None
    assert reason not in json.dumps(call(rc, "GET", b)[1])


def listen(rc, who: str, board: str, group: str | None = None) -> EventStream:
    """``who``'s page listening to ``board``'s changes (of ``group``'s board), straight
    from the service."""
    query = f"?group={group}" if group else ""
    stream = Caller(who, "", rc.token_for(who)).listen(
        rc.plan.service_url, f"{api.PREFIX}{board}/events{query}"
    )
    assert isinstance(stream, EventStream), stream
    return stream


def test_an_idea_is_reached_only_at_its_own_board_s_address(group) -> None:
    """Hiding or withdrawing an idea at another board's address is refused as an unknown
    idea is (no probing of ids), changes nothing, and tells neither board; at its own
    board's address it works, and only that board's pages hear of it."""
    rc, a, b, f, _, _ = group
    idea = add(rc, a, "Swimming on Sundays")
    own, other = listen(rc, b, BOARD), listen(rc, b, ELSEWHERE)
    try:
        unknown = call(rc, "POST", f, f"{ELSEWHERE}/999999999/hide", {"reason": "no"})
        assert unknown[0] == 404
        assert call(rc, "POST", f, f"{ELSEWHERE}/{idea}/hide", {"reason": "no"}) == unknown
        assert call(rc, "DELETE", a, f"{ELSEWHERE}/{idea}") == call(
            rc, "DELETE", a, f"{ELSEWHERE}/999999999"
        )
        [still] = seen(rc, b)  # on its board, neither hidden nor withdrawn
        assert (still["id"], still["hidden"]) == (idea, False)
        assert [i["withdrawn"] for i in call(rc, "GET", a, "ideas")[1]["ideas"]] == [False]

        assert call(rc, "POST", f, f"{BOARD}/{idea}/hide", {"reason": "Say it again?"})[0] == 200
        assert own.wait_for(1)
        assert call(rc, "DELETE", a, f"{BOARD}/{idea}")[0] == 200
        assert own.wait_for(2)
        # A change on the other board, heard there after anything the refusals sent.
        add(rc, b, "A marker on the other board", board=ELSEWHERE)
        assert other.wait_for(1)
    finally:
        own.close()
        other.close()
    assert (own.changed, other.changed) == (2, 1)
    assert seen(rc, b) == []


def groups_of(rc, who: str) -> list[str]:
    status, data = rc.service_call("GET", "whoami", rc.token_for(who))
    return data["groups"] if status == 200 else []


def test_a_learner_in_two_groups_adds_to_the_one_they_choose(running_class) -> None:
    """M is in two groups (with P, facilitated by F1; with Q, by F2). An idea goes to
    the one group M names, and nowhere without one; M reads each group's board apart."""
    rc = running_class
    m, p, q, f1, f2, x = (rc.new_learner(s) for s in ("m", "p", "q", "f1", "f2", "x"))
    one, two = rc.new_group([m, p], (f1,)), rc.new_group([m, q], (f2,))
    third = rc.new_group([x])
    wait_until(lambda: len(groups_of(rc, m)) == 2, timeout=10)
    for who in (p, q, f1, f2, x):
        wait_until(lambda w=who: in_a_group(rc, w), timeout=10)
    words = f"Only for the first group {uuid.uuid4().hex}"
    ps, qs = listen(rc, p, BOARD), listen(rc, q, BOARD)
    ms_two = listen(rc, m, BOARD, two)
    try:
        # Without a group, or with one M is not in: refused, saying why, never echoing.
        for group, status, why in ((None, 400, "which group"), (third, 403, "not in that group"),
                                   (["x"], 400, "which group")):  # fmt: skip
            body = {"text": words, "key": uuid.uuid4().hex, **({"group": group} if group else {})}
            answer = call(rc, "POST", m, body=body)
            assert answer[0] == status and why in answer[1]["error"], answer
            assert words not in json.dumps(answer)
        assert call(rc, "GET", m, "ideas")[1] == {"ideas": []}  # nothing was added
        # The learner is the token's owner: a name in the body changes nothing.
        body = {"text": words, "key": "k", "named": True, "group": one, "learner": p}
        status, data = call(rc, "POST", m, body=body)
        assert status == 200 and data["group"] == one, (status, data)
        assert [(i["text"], i["who"]) for i in seen(rc, p)] == [(words, m)]
        assert [i["text"] for i in seen(rc, f1)] == [words]
        assert seen(rc, q) == [] and seen(rc, f2) == []
        assert call(rc, "GET", p, "ideas")[1] == {"ideas": []}
        assert [i["text"] for i in call(rc, "GET", m, "ideas")[1]["ideas"]] == [words]
        # Reading: each group's board on its own, never the two merged.
        status, data = call(rc, "GET", m)
        assert status == 400 and "which group" in data["error"]
        assert [i["text"] for i in seen(rc, m, f"{BOARD}?group={one}")] == [words]
        assert seen(rc, m, f"{BOARD}?group={two}") == []
        assert call(rc, "GET", m, f"{BOARD}?group={third}")[0] == 403
        assert call(rc, "GET", m, f"{BOARD}/events")[0] == 400
        assert ps.wait_for(1)
        add(rc, q, "A marker on the second group's board")  # heard after any news of M's
        assert qs.wait_for(1) and ms_two.wait_for(1)
    finally:
        for stream in (ps, qs, ms_two):
            stream.close()
    assert (ps.changed, qs.changed, ms_two.changed) == (1, 1, 1)
    for log in rc.classroom.logs_dir.glob("*.log"):  # refused or not, never logged
        assert words not in log.read_text(encoding="utf-8", errors="replace"), log.name


def test_bad_ideas_are_refused_and_strangers_get_nothing(group) -> None:
    rc, a, *_ = group
    status, data = call(rc, "POST", a, body={"text": "x" * 2001, "key": "k"})
    assert status == 422 and "x" * 20 not in json.dumps(data)
    assert call(rc, "POST", a, body={"text": "fine", "key": ""})[0] == 400
    assert call(rc, "GET", a, f"ideas/{S}/take-away")[0] == 404  # no board on that exercise
    loner = rc.new_learner("loner")
    status, data = call(rc, "POST", loner, body={"text": "hello", "key": "k"})
    assert status == 409 and "not in a group" in data["error"]
    assert rc.service_call("GET", BOARD, None)[0] in (401, 403)


class IdeaStream:
    """One page's view of the board: listens to its events and reads the board again
    after each burst of them (one read for many events, as a page would)."""

    def __init__(self, rc, who: str) -> None:
        self.rc, self.who = rc, who
        request = urllib.request.Request(
            f"{rc.plan.service_url}{api.PREFIX}{BOARD}/events",
            headers={"Authorization": f"token {rc.token_for(who)}"},
        )
        self.response = urllib.request.urlopen(request, timeout=60)
        self.opened = threading.Event()
        self.texts: list[str] = []
        self.dirty = threading.Condition()
        self.stale = False
        self.done = False
        threading.Thread(target=self._listen, daemon=True).start()
        threading.Thread(target=self._refresh, daemon=True).start()
        assert self.opened.wait(30)

    def _listen(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if line.startswith("retry:"):
                    self.opened.set()
                if line == "event: changed":
                    with self.dirty:
                        self.stale = True
                        self.dirty.notify()
        except (OSError, ValueError, AttributeError):
            return

    def _refresh(self) -> None:
        while True:
            with self.dirty:
                self.dirty.wait_for(lambda: self.stale or self.done)
                if self.done:
                    return
                self.stale = False
            texts = [i["text"] for i in seen(self.rc, self.who)]
            with self.dirty:
                self.texts = texts

    def shows(self) -> list[str]:
        with self.dirty:
            return sorted(self.texts)

    def close(self) -> None:
        with self.dirty:
            self.done = True
            self.dirty.notify()
        self.response.close()


def test_thirty_learners_add_ideas_at_once_and_every_page_shows_each_once(running_class):
    rc = running_class
    learners = [rc.new_learner("many") for _ in range(30)]
    rc.new_group(learners, (rc.new_learner("fac"),))
    wait_until(lambda: in_a_group(rc, learners[-1]), timeout=10)
    for who in learners:
        rc.token_for(who)  # tokens first: only the adding is timed
    pages = [IdeaStream(rc, who) for who in learners]
    texts = {who: f"Idea from {who}" for who in learners}
    try:
        started = time.monotonic()

        def add_twice(who: str) -> None:
            key = uuid.uuid4().hex
            add(rc, who, texts[who], key=key)
            add(rc, who, texts[who], key=key)  # a resent request adds nothing

        with ThreadPoolExecutor(max_workers=30) as pool:
            list(pool.map(add_twice, learners))
        took = time.monotonic() - started
        assert took < 10, f"adding took {took:.1f} s"
        expected = sorted(texts.values())

        wait_until(lambda: all(page.shows() == expected for page in pages), timeout=10)
        for who in learners[:3]:
            board = [i["text"] for i in seen(rc, who)]
            assert sorted(board) == expected  # 0 lost, 0 duplicated
    finally:
        for page in pages:
            page.close()


PRINT = f"/services/{api.SERVICE_NAME}/board/{S}/ideas/{E}"
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def print_view(rc, who: str, tail: str = "") -> tuple[int, str]:
    status, data = rc.call("GET", PRINT + tail, rc.token_for(who))
    return status, data.decode() if isinstance(data, bytes) else json.dumps(data)


def test_a_facilitator_prints_the_group_s_ideas_and_no_one_else(group) -> None:
    """The print view: the group's ideas, escaped, names only where given; hidden and
    withdrawn ideas left out; for the group's facilitators only."""
    rc, a, b, f, g, other = group
    [cohort], [theirs] = groups_of(rc, a), groups_of(rc, other)
    add(rc, a, f"Named idea {XSS}", named=True)
    add(rc, b, "Quiet idea")
    hidden = add(rc, b, "HIDDEN-idea-words")
    assert call(rc, "POST", f, f"{BOARD}/{hidden}/hide", {"reason": "REASON-words"})[0] == 200
    gone = add(rc, a, "WITHDRAWN-idea-words")
    assert call(rc, "DELETE", a, f"{BOARD}/{gone}")[0] == 200
    add(rc, other, "OTHER-group-idea")
    add(rc, a, "ELSEWHERE-idea", board=ELSEWHERE)

    status, page = print_view(rc, f)  # in one group: no need to name it
    assert status == 200, page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page and XSS not in page
    assert "Quiet idea" in page and "Shared without a name" in page
    assert page.count(a) == 1 and b not in page  # A gave their name; B did not
    for words in ("HIDDEN-idea", "REASON-words", "WITHDRAWN-idea", "OTHER-group", "ELSEWHERE"):
        assert words not in page, words
    assert "1 hidden idea is left out." in page and cohort in page
    assert 'href="/services/peerkit/static/board.css"' in page  # with its print rules

    status, named = print_view(rc, f, f"?group={cohort}")
    assert status == 200 and "Quiet idea" in named
    for who in (a, b):  # learners, and another group's facilitator naming this group
        assert print_view(rc, who)[0] == 403
    assert print_view(rc, g, f"?group={cohort}")[0] == 403
    assert print_view(rc, f, f"?group={theirs}")[0] == 403
    assert print_view(rc, f, "?group=no-such-group")[0] == 403
    status, page = print_view(rc, g)  # G's own group's
    assert status == 200 and "OTHER-group-idea" in page and "Quiet idea" not in page
    for path in (f"board/{S}/ideas/no-such-board", "board/m1s1/ideas/self-care-toolbox"):
        assert rc.call("GET", f"/services/{api.SERVICE_NAME}/{path}", rc.token_for(f))[0] == 404

    # Reached from the facilitator's board of the session, one link per group.
    status, board = rc.call("GET", f"/services/{api.SERVICE_NAME}/board/{S}", rc.token_for(f))
    assert status == 200 and f'href="{PRINT}?group={cohort}"' in board.decode()

    # A facilitator of two groups chooses which (never the two merged, never a guess).
    second = rc.new_group([], (f,))
    wait_until(lambda: len(groups_of(rc, f)) == 2, timeout=10)
    status, page = print_view(rc, f)
    assert status == 200 and "Quiet idea" not in page
    assert f'href="{PRINT}?group={cohort}"' in page and f'href="{PRINT}?group={second}"' in page
