"""Everything the class serves, tried by everyone against learner A: a real hub, the
peerkit service, PostgreSQL and A's own server.

A's data holds a canary in every place it can be: a private answer, one shared with
the facilitator only, one shared with the group without a name, an idea on the
group's board, a hidden one (with the facilitator's reason), a withdrawn one, a
submitted essay with feedback, the group's agreement, A's draft secret and A's name.
Each has the people who may read it (``ALLOWED``: what peerkit/store/consent.py and
the boards promise). Then every caller tries every route of the service (its own
handler table says which; one the sweep does not try fails the test), every event
stream, and A's own server, naming A in paths, queries and bodies:

- A, the owner: must see every canary, or the sweep could not see a leak;
- B, in A's group, and C, a classmate in a browser (signed in: cookies, no token);
- F, A's facilitator, and T, a co-facilitator in a browser;
- G, another group's facilitator, and O, a learner of another group, each by token
  and in a browser (G2, O2);
- A's token without the service's scope, a service's token, a made-up token, nobody.

A violation is a reply carrying a canary to someone it was not for; a reply that
accepts what the caller may not do (anyone but A's facilitators giving feedback on
A's essay, hiding A's idea at its own board's address or recording A's group's
agreement; anyone at all hiding or withdrawing what A withdrew, or hiding A's idea
at another board's address; a browser's form without its XSRF token; anything
from a caller with no identity, or from a browser's cookies on the token-only API);
and, after the sweep, any change to A's data not made by A or, for feedback and
hiding, by A's facilitators. Counts: test-artifacts/access-sweep.json.
"""

from __future__ import annotations

import dataclasses
import json
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.classroom.callers import SERVICE, Caller, EventStream, Reply, route_of, service_routes
from tests.classroom.test_service_access import answer_endpoints
from tests.running_class import SERVICE_SCOPE, wait_until

#: A group board (``group_board=True``), in the session where module 2's agreement is made.
BOARD_SESSION, MODULE = "m2s1", "m2"
IDEAS = f"ideas/{BOARD_SESSION}/core-behaviours"
PRINT_IDEAS = f"board/{BOARD_SESSION}/ideas/core-behaviours"  # its print view
OTHER_BOARD = "ideas/m2s5/self-care-toolbox"
PRIVATE = "m1s1/my-hopes"  # the answer test_service_access.py's endpoints name
FOR_FACILITATOR = f"{BOARD_SESSION}/core-behaviours"  # what the agreement draws on
FOR_GROUP = "m1s3/turning-points"
ESSAY_SESSION, ESSAY = "m1s6", "m1s6/essay-planner"
SESSIONS = ("m1s1", "m1s3", ESSAY_SESSION, BOARD_SESSION)
#: Demo accounts (they have passwords, so a browser can sign in), put into the test's
#: groups for its length: A's classmate and co-facilitator; the other group's two.
CLASSMATE, CO_FACILITATOR, OTHER_LEARNER, OTHER_FACILITATOR = "carol", "tess", "bob", "fran"

#: Who may read each canary, by role (see callers.Caller).
ALLOWED: dict[str, frozenset[str]] = {
    "private answer": frozenset("A"),
    "draft secret": frozenset("A"),
    "answer shared with the facilitator": frozenset("AF"),
    "answer shared with the group": frozenset("ABF"),
    "idea": frozenset("ABF"),
    "hidden idea": frozenset("AF"),
    "reason for hiding": frozenset("AF"),
    "withdrawn idea": frozenset("A"),
    "submitted essay": frozenset("AF"),
    "feedback": frozenset("AF"),
    "group agreement": frozenset("ABF"),
    "A's name": frozenset("AF"),
}


def allowed_to(role: str) -> frozenset[str]:
    return frozenset(kind for kind, roles in ALLOWED.items() if role in roles)


@dataclass
class World:
    rc: Any
    a: str
    cohort: str
    canaries: dict[str, str]
    ideas: dict[str, int]
    submission: int
    callers: list[Caller]
    #: Each role's person (A, B, F, G, O).
    people: dict[str, str]
    #: What each caller must see: a positive control for each way in.
    expects: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The other group's name (G's and O's).
    other_cohort: str = ""

    def seen(self, text: str) -> set[str]:
        """The canaries in a reply."""
        found = {kind for kind, canary in self.canaries.items() if canary in text}
        if re.search(rf"(?<![\w-]){re.escape(self.a)}(?![\w-])", text):
            found.add("A's name")
        return found


# --- A's data, and everyone who tries to reach it -----------------------------------


def put(rc, who: str, path: str, value: object) -> None:
    body = {"value": value, "base": None}
    status, data = rc.service_call("PUT", f"answers/{path}", rc.token_for(who), body)
    assert status == 200, (path, status, data)


def share(rc, who: str, path: str, audience: str) -> None:
    body = {"audience": audience}
    status, data = rc.service_call("PUT", f"answers/{path}/consent", rc.token_for(who), body)
    assert status == 200, (path, status, data)


def post(rc, who: str, path: str, body: object) -> Any:
    status, data = rc.service_call("POST", path, rc.token_for(who), body)
    assert status == 200, (path, status, data)
    return data


def add_idea(rc, who: str, text: str) -> int:
    return int(post(rc, who, IDEAS, {"text": text, "named": False, "key": uuid.uuid4().hex})["id"])


def board_form(rc, who: str, path: str, form: dict) -> None:
    """A board's form, posted with ``who``'s token (as tests/classroom/test_submissions.py does)."""
    status, data = rc.call(
        "POST", SERVICE + path, rc.token_for(who), raw=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert status == 200, (path, status, data)


def groups_of(rc, who: str) -> list[str]:
    status, data = rc.service_call("GET", "whoami", rc.token_for(who))
    return data["groups"] if status == 200 else []


def members(rc, method: str, cohort: str, people: list[str]) -> None:
    status, data = rc.call(
        method, f"/hub/api/groups/{cohort}/users", rc.admin_token, {"users": people}
    )
    assert status in (200, 204), (status, data)


def browser(rc, label: str, role: str, name: str) -> Caller:
    """``name`` signed in at the hub, then at the boards through its OAuth (a browser's way)."""
    caller = Caller(label, role, jar=rc.signed_in(name))
    reply = caller.send(rc.plan.url, "GET", SERVICE + "group/")
    assert reply.status == 200, (label, reply.status)
    caller.tried = 0
    return caller


@pytest.fixture
def world(group) -> Iterator[World]:
    """A's data, a canary in every place; and everyone who will try to reach it."""
    rc, a, b, f, g, other = group
    [cohort], [other_cohort] = groups_of(rc, a), groups_of(rc, other)
    joining = {
        cohort: [CLASSMATE, CO_FACILITATOR],
        other_cohort: [OTHER_LEARNER, OTHER_FACILITATOR],
    }
    for name, people in joining.items():
        members(rc, "POST", name, people)
    try:
        for name, people in joining.items():  # the service reads the groups within seconds
            for who in people:
                wait_until(lambda n=name, w=who: n in groups_of(rc, w), timeout=10)
        world = seed(rc, {"A": a, "B": b, "F": f, "G": g, "O": other}, cohort)
        yield dataclasses.replace(world, other_cohort=other_cohort)
    finally:
        for name, people in joining.items():
            members(rc, "DELETE", name, people)


def seed(rc, people: dict[str, str], cohort: str) -> World:
    a, f = people["A"], people["F"]
    mark = uuid.uuid4().hex[:10]
    c = {kind: f"CANARY-{kind.replace(' ', '-')}-{mark}" for kind in ALLOWED}
    del c["A's name"]
    put(rc, a, PRIVATE, c["private answer"])
    put(rc, a, FOR_FACILITATOR, {"i-commit": c["answer shared with the facilitator"]})
    share(rc, a, FOR_FACILITATOR, "facilitator")
    put(rc, a, FOR_GROUP, c["answer shared with the group"])
    share(rc, a, FOR_GROUP, "group")
    ideas = {kind: add_idea(rc, a, c[kind]) for kind in ("idea", "hidden idea", "withdrawn idea")}
    post(rc, f, f"{IDEAS}/{ideas['hidden idea']}/hide", {"reason": c["reason for hiding"]})
    status, _ = rc.service_call("DELETE", f"{IDEAS}/{ideas['withdrawn idea']}", rc.token_for(a))
    assert status == 200
    put(rc, a, ESSAY, {"draft": c["submitted essay"]})
    submission = post(rc, a, f"answers/{ESSAY}/submissions", {})["submission"]["id"]
    feedback = {"submission": submission, "feedback": c["feedback"]}
    board_form(rc, f, f"board/{ESSAY_SESSION}/submitted", feedback)
    agreement = {"cohort": cohort, "agreement": c["group agreement"]}
    board_form(rc, f, f"board/{BOARD_SESSION}/agreement", agreement)
    c["draft secret"] = rc.service_call("GET", "draft-secret", rc.token_for(a))[1]["secret"]

    def token(role: str, *, narrow: bool = False) -> str:
        scopes = (f"read:users:name!user={a}",) if narrow else (SERVICE_SCOPE,)
        return str(rc.token_for(people[role], scopes))

    callers = [
        Caller("A", "A", token("A")),
        Caller("B, in A's group", "B", token("B")),
        browser(rc, "C, in A's group, in a browser", "B", CLASSMATE),
        Caller("G, another group's facilitator", "G", token("G")),
        browser(rc, "G2, another group's facilitator, in a browser", "G", OTHER_FACILITATOR),
        Caller("O, a learner of another group", "O", token("O")),
        browser(rc, "O2, a learner of another group, in a browser", "O", OTHER_LEARNER),
        Caller("A's token without the service's scope", "nobody", token("A", narrow=True)),
        Caller("a service's token", "nobody", rc.admin_token),
        Caller("a made-up token", "nobody", "0" * 32),
        Caller("nobody", "nobody"),
        # A's facilitators last: hiding an idea and giving feedback are theirs to do.
        browser(rc, "T, A's co-facilitator, in a browser", "F", CO_FACILITATOR),
        Caller("F, A's facilitator", "F", token("F")),
    ]
    boards_show = {"answer shared with the facilitator", "answer shared with the group"}
    expects = {
        "A": allowed_to("A"),
        "B, in A's group": allowed_to("B"),
        "F, A's facilitator": allowed_to("F"),
        # A browser reaches the boards only (the API takes tokens): what they show.
        "C, in A's group, in a browser": frozenset({"answer shared with the group"}),
        "T, A's co-facilitator, in a browser": frozenset(
            boards_show | {"submitted essay", "feedback", "group agreement", "A's name", "idea"}
        ),
    }
    return World(rc, a, cohort, c, ideas, submission, callers, people, expects)


# --- what the sweep tries -----------------------------------------------------------


@dataclass(frozen=True)
class Try:
    method: str
    path: str  # under the service's prefix
    body: Any = None
    form: dict[str, Any] | None = None
    stream: bool = False
    #: What of A's this would change ("": nothing), and the roles that may.
    changes: str = ""
    may: frozenset[str] = frozenset()

    @property
    def api(self) -> bool:
        return self.path.startswith("api/")


def tries(a: str, cohort: str, ideas: dict[str, int], submission: int) -> list[Try]:
    """Every request of the sweep, naming A (and A's group) wherever a request can."""
    named = {"learner": a, "cohort": cohort, "user": a}
    out = [Try(method, "api/" + path, body) for method, path, body in answer_endpoints(a)]
    out += [
        Try("GET", "api/health"),
        Try("GET", f"api/{IDEAS}"),
        Try("GET", f"api/{IDEAS}?learner={a}&cohort={cohort}"),
        Try("GET", f"api/{IDEAS}?group={cohort}"),  # A's group's board, by its name
        Try("POST", f"api/{IDEAS}", {"text": "an idea, said to be A's", "named": True, **named}),
        Try("POST", f"api/{IDEAS}", {"text": "an idea for A's group", "group": cohort}),
        Try("GET", f"api/{IDEAS}/events", stream=True),
        Try("GET", f"api/{IDEAS}/events?learner={a}", stream=True),
        Try("GET", f"api/{IDEAS}/events?group={cohort}", stream=True),
        Try("GET", "api/ideas"),
        Try("GET", f"api/ideas?learner={a}"),
        Try("GET", f"api/answers/{ESSAY}/submissions"),
        Try("POST", f"api/answers/{ESSAY}/submissions", named),
        Try("GET", "api/submissions"),
        Try("GET", f"api/submissions?session={ESSAY_SESSION}&learner={a}"),
        Try("GET", f"api/agreements?module={MODULE}"),
        Try("GET", f"api/agreements?module={MODULE}&learner={a}&cohort={cohort}"),
    ]
    for kind, idea in ideas.items():
        for board in (IDEAS, OTHER_BOARD):  # at its board's address, and another board's
            # Only at its own board's address, and never once its contributor withdrew it.
            own = board == IDEAS and kind != "withdrawn idea"
            out += [
                Try("DELETE", f"api/{board}/{idea}?learner={a}", changes=f"withdrew A's {kind}"),
                Try("POST", f"api/{board}/{idea}/hide", {"reason": "", **named},
                    changes=f"hid A's {kind}", may=frozenset("F" if own else "")),
            ]  # fmt: skip
    # A group's board by its group's name too (chosen: someone in several groups).
    out += [Try("GET", "board/"), Try("GET", "group/"), Try("GET", f"board/?learner={a}")]
    out += [Try("GET", f"group/?group={cohort}")]
    for session in SESSIONS:
        out += [
            Try("GET", f"board/{session}"),
            Try("GET", f"board/{session}/fragment?learner={a}"),
            Try("GET", f"group/{session}/"),
            Try("GET", f"group/{session}/fragment?learner={a}"),
            Try("GET", f"group/{session}/?group={cohort}"),
            Try("GET", f"group/{session}/fragment?group={cohort}&learner={a}"),
            Try("GET", f"board/{session}/submitted?learner={a}&sent={submission}"),
            Try("GET", f"board/{session}/submitted/fragment?learner={a}"),
        ]
    s = BOARD_SESSION
    out += [
        Try("GET", f"board/{s}/events", stream=True),
        Try("GET", f"group/{s}/events?learner={a}", stream=True),
        Try("GET", f"group/{s}/events?group={cohort}", stream=True),
        Try("GET", f"board/{s}/agreement?learner={a}&saved=1"),
        Try("GET", "board/m1s1/agreement"),
        Try("GET", f"board/{s}/agreement/current?learner={a}&cohort={cohort}"),
        # The print view of A's group's ideas board: by its name, and as one's only group.
        Try("GET", f"{PRINT_IDEAS}?group={cohort}"),
        Try("GET", f"{PRINT_IDEAS}?learner={a}"),
        Try("POST", f"board/{ESSAY_SESSION}/submitted", form={"submission": submission, **named},
            changes="gave feedback on A's essay", may=frozenset("F")),
        # A's facilitators record the words already there: no change (checked after).
        Try("POST", f"board/{s}/agreement", form={"cohort": cohort},
            changes="recorded A's group's agreement", may=frozenset("F")),
        Try("GET", "static/board.css"),
        Try("HEAD", "static/board.js"),
        Try("GET", "oauth_callback?code=made-up&state=made-up"),
    ]  # fmt: skip
    return out


def untried(sweep: list[Try]) -> list[tuple[str, str]]:
    """The service's routes (and methods) that ``sweep`` never tries."""
    routes = service_routes()
    wanted = {(r.name, m) for r in routes for m in r.methods}
    for t in sweep:
        route = route_of(routes, SERVICE + t.path)
        if route is not None:
            wanted.discard((route.name, t.method))
    return sorted(wanted)


def test_the_sweep_tries_every_route_of_the_service() -> None:
    """A new route the sweep does not try fails here, before any class is started."""
    assert untried(tries("a-1", "group-1", {"idea": 1}, 1)) == []
    # The table is the service's own: a route left out of the sweep would show.
    assert ("/services/peerkit/api/ideas", "GET") in untried([])


#: Routes anyone may reach (nothing of anyone's): the service is up, its static files,
#: and where the hub's sign-in comes back.
PUBLIC = ("Health", "Static", "OAuthCallback")


def body_for(t: Try, caller: Caller, w: World) -> tuple[Any, dict[str, Any] | None]:
    """The request's JSON or form, in the caller's own words (so a change shows whose)."""
    if t.form is not None:
        form = dict(t.form)
        if "submission" in form:
            form["feedback"] = f"feedback from {caller.label}"
        if "cohort" in form:
            same = caller.role == "F"
            form["agreement"] = w.canaries["group agreement"] if same else f"by {caller.label}"
        return None, form
    if isinstance(t.body, dict):
        body = dict(t.body)
        if "reason" in body:
            body["reason"] = f"hidden by {caller.label}"
        if "text" in body:
            body["key"] = uuid.uuid4().hex
        return body, None
    return t.body, None


def write_counts(part: str, callers: list[Caller], violations: list[str], **more: Any) -> None:
    """This part's counts in test-artifacts/access-sweep.json (a key per part, so the
    file holds each part as it last ran)."""
    path = ARTIFACTS / "access-sweep.json"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        counts = json.loads(path.read_text())
    except (OSError, ValueError):
        counts = {}
    counts[part] = {
        "callers": {
            c.label: {
                "requests": c.tried,
                "violations": sum(v.startswith(c.label + ":") for v in violations),
            }
            for c in callers
        },
        "requests": sum(c.tried for c in callers),
        "violations": violations,
        **more,
    }
    path.write_text(json.dumps(counts, indent=1))


@dataclass
class Sweep:
    w: World
    violations: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.routes = service_routes()

    def check(self, caller: Caller, t: Try, how: str, reply: Reply, *, xsrf: bool) -> None:
        what = f"{caller.label}: {t.method} {t.path} ({how})"
        found = self.w.seen(reply.text)
        self.seen.setdefault(caller.label, set()).update(found)
        for kind in sorted(found):
            if caller.role not in ALLOWED[kind]:
                self.violations.append(f"{what} carried {kind}")
        route = route_of(self.routes, SERVICE + t.path)
        public = route is not None and route.handler.__name__ in PUBLIC
        accepted = reply.status < 400 and not reply.to_sign_in
        if accepted and not public and (caller.role == "nobody" or (caller.browser and t.api)):
            self.violations.append(f"{what} was answered {reply.status}")
        if accepted and t.changes and caller.role not in t.may:
            self.violations.append(f"{what} {t.changes} ({reply.status})")
        if accepted and caller.browser and t.form is not None and not xsrf:
            self.violations.append(f"{what} took a form without its XSRF token")

    def run(self, caller: Caller, t: Try, *, once: bool = False) -> None:
        rc = self.w.rc
        bases = [("proxy", rc.plan.url)]
        if t.api and not caller.browser and not once:
            bases.append(("direct", rc.plan.service_url))  # as a kernel calls it
        path = SERVICE + t.path
        for how, base in bases:
            if t.stream:
                self.check(caller, t, how, caller.peek_stream(base, path), xsrf=False)
                continue
            body, form = body_for(t, caller, self.w)
            for xsrf in (False, True) if caller.browser and form is not None else (False,):
                sent = {**form, "_xsrf": caller.xsrf()} if xsrf and form is not None else form
                reply = caller.send(base, t.method, path, body, form=sent)
                self.check(caller, t, how, reply, xsrf=xsrf)


def snapshot(w: World) -> dict[str, Any]:
    """A's data as A reads it."""
    token = w.rc.token_for(w.a)
    out = {}
    for path in ("revisions", "consents", "draft-secret", "ideas", "submissions",
                 f"agreements?module={MODULE}"):  # fmt: skip
        status, data = w.rc.service_call("GET", path, token)
        assert status == 200, (path, status)
        out[path] = data
    return out


def changed(w: World, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed in A's data that neither A nor (feedback, hiding) A's facilitators did."""
    found = []
    for path in ("revisions", "consents", "draft-secret", f"agreements?module={MODULE}"):
        if before[path] != after[path]:
            found.append(f"A's {path} changed")
    facilitators = {c.label for c in w.callers if c.role == "F"}
    then = {s["id"]: s for s in before["submissions"]["submissions"]}
    now = {s["id"]: s for s in after["submissions"]["submissions"]}
    if then.keys() != now.keys():
        found.append("A's submissions changed")
    for sid, old in then.items():
        new = now.get(sid, old)
        kept = len(old["feedback"])
        if (new["value"], new["feedback"][:kept]) != (old["value"], old["feedback"]):
            found.append(f"A's submission {sid} or its feedback changed")
        for extra in new["feedback"][kept:]:
            if extra["text"].removeprefix("feedback from ") not in facilitators:
                found.append(f"feedback on A's essay from someone else: {extra['text']!r}")
    then = {i["id"]: i for i in before["ideas"]["ideas"]}
    now = {i["id"]: i for i in after["ideas"]["ideas"]}
    if then.keys() != now.keys():
        found.append("A's ideas changed")
    for iid, old in then.items():
        new = now.get(iid, old)
        if (new["text"], new["withdrawn"]) != (old["text"], old["withdrawn"]):
            found.append(f"A's idea {old['text']!r} changed: withdrawn {new['withdrawn']}")
        hidden_by = new["reason"].removeprefix("hidden by ")
        if (new["hidden"], new["reason"]) != (old["hidden"], old["reason"]) and (
            hidden_by not in facilitators
        ):
            found.append(f"A's idea {old['text']!r} hidden by someone else")
    return found


def test_no_one_but_those_a_chose_reaches_a_s_data(world: World) -> None:
    w = world
    sweep = Sweep(w)
    every = tries(w.a, w.cohort, w.ideas, w.submission)
    reads = [t for t in every if t.method in ("GET", "HEAD")]
    writes = [t for t in every if t not in reads]
    before = snapshot(w)
    for caller in w.callers:
        for t in reads:
            sweep.run(caller, t)
    missed = {
        label: sorted(expected - sweep.seen.get(label, set()))
        for label, expected in w.expects.items()
    }
    for caller in w.callers:
        if caller.role != "A":  # A's own writes are A's to make
            for t in writes:
                sweep.run(caller, t)
    for caller in w.callers:  # and again: did anyone's write open anything up?
        for t in reads:
            sweep.run(caller, t, once=True)
    sweep.violations += changed(w, before, snapshot(w))
    routes = service_routes()
    write_counts(
        "service", w.callers, sweep.violations,
        routes=sum(len(r.methods) for r in routes), untried=untried(every),
        positive_controls_missed=missed,
    )  # fmt: skip
    assert untried(every) == []
    assert not any(missed.values()), f"a positive control saw nothing: {missed}"
    assert sweep.violations == []


# --- the event streams, live ---------------------------------------------------------

STREAMS = {
    # stream: the roles that may listen (the API's by token only). ``{own}``: the
    # caller's own group (A's, or the other group for G and O), named as someone in
    # several groups must; the demo accounts in a browser are.
    f"api/{IDEAS}/events": frozenset("ABFGO"),
    f"board/{BOARD_SESSION}/events": frozenset("FG"),
    f"group/{BOARD_SESSION}/events?group={{own}}": frozenset("ABFGO"),
}


def test_event_streams_tell_only_those_who_may_see(world: World) -> None:
    """Everyone listens to every stream; A's group changes; then, as a marker, O's.

    A's change reaches every queue at once, and A's group's streams have all heard it
    before O's is made: a stream of O's group that was told of A's has heard it by
    then too (counted before the marker), or hears it before the marker (each stream
    hears its news in order). Either way it ends with more than the one change.
    """
    w = world
    rc = w.rc
    violations: list[str] = []
    streams: dict[tuple[str, str], EventStream] = {}
    for caller in w.callers:
        own = w.other_cohort if caller.role in "GO" else w.cohort
        for stream_path, roles in STREAMS.items():
            path = stream_path.format(own=own)
            api = path.startswith("api/")
            direct = api and not caller.browser  # as a kernel listens
            got = caller.listen(rc.plan.service_url if direct else rc.plan.url, SERVICE + path)
            may = caller.role in roles and not (api and caller.browser)
            if isinstance(got, EventStream):
                streams[(caller.label, path)] = got
                if not may:
                    violations.append(f"{caller.label}: {path} opened")
            elif may:
                violations.append(f"{caller.label}: {path} refused ({got.status})")
            elif w.seen(got.text):
                violations.append(f"{caller.label}: {path} refused, with a canary")
    role = {c.label: c.role for c in w.callers}
    ours = [key for key in streams if role[key[0]] in "ABF"]
    theirs = [key for key in streams if role[key[0]] in "GO"]
    heard_before_marker: dict[tuple[str, str], int] = {}
    try:
        for who, words in ((w.people["A"], "A's change"), (w.people["O"], "O's, the marker")):
            if who != w.a:
                heard_before_marker = {key: streams[key].changed for key in theirs}
            add_idea(rc, who, words)
            put(rc, who, FOR_FACILITATOR, {"i-commit": words})
            share(rc, who, FOR_FACILITATOR, "group")
            for key in ours if who == w.a else theirs:
                if not streams[key].wait_for(heard_before_marker.get(key, 0) + 1, timeout=10):
                    violations.append(f"{key[0]}: {key[1]} never heard {words}")
    finally:
        sent = {key: stream.close() for key, stream in streams.items()}
    for key, text in sent.items():
        heard = (heard_before_marker.get(key, 0), streams[key].changed)
        if key in theirs and heard != (0, 1):
            label, path = key
            violations.append(f"{label}: {path} heard A's change: {heard} (before, in all)")
        violations += [f"{key[0]}: {key[1]} carried {kind}" for kind in sorted(w.seen(text))]
    write_counts("event streams", w.callers, violations, opened=len(streams))
    assert ours and theirs
    assert violations == []


# --- A's own server, through the hub ----------------------------------------------


def server_tries(a: str, kernel: str, session: str) -> list[tuple[str, str, Any]]:
    """A's server's pages and API, and the hub's about A, naming A's kernel and session."""
    user = f"/user/{a}/"
    pages = (
        "", "api/status", "api/me", "api/contents", "api/contents/index.ipynb",
        "api/contents/index.ipynb/checkpoints", "api/kernels", f"api/kernels/{kernel}",
        "api/sessions", f"api/sessions/{session}", "api/kernelspecs", "api/config/notebook",
        "files/index.ipynb", "lab", "lab/tree/index.ipynb", "voila/render/index.ipynb",
        "voila/render/module2/01-chime.ipynb", "voila/tree", "nbconvert/html/index.ipynb",
    )  # fmt: skip
    started = {"path": "sweep.ipynb", "type": "notebook", "kernel": {"name": "python3"}}
    return [
        *(("GET", user + page, None) for page in pages),
        ("POST", user + "api/kernels", {"name": "python3"}),
        ("POST", user + f"api/kernels/{kernel}/interrupt", {}),
        ("POST", user + f"api/kernels/{kernel}/restart", {}),
        ("POST", user + "api/sessions", started),
        ("PATCH", user + f"api/sessions/{session}", {"name": "renamed by someone else"}),
        ("POST", user + "api/contents/no-such-folder", {"type": "notebook"}),
        ("DELETE", user + f"api/sessions/{session}", None),
        ("DELETE", user + f"api/kernels/{kernel}", None),
        ("POST", user + "api/shutdown", None),
        ("GET", f"/hub/api/users/{a}", None),
        ("GET", f"/hub/api/users/{a}/tokens", None),
        ("POST", f"/hub/api/users/{a}/tokens", {"scopes": ["inherit"]}),
        ("DELETE", f"/hub/api/users/{a}/server", None),
        ("POST", f"/hub/api/users/{a}/server", {}),
        ("GET", f"/hub/user/{a}/", None),
        ("GET", f"/hub/spawn/{a}", None),
    ]


#: Pages of A's server that A, a learner, does not have either: JupyterLab is for
#: facilitators (test_lab_access.py), so they answer A 404 and everyone else no more.
NOT_A_LEARNERS = ("lab", "lab/tree/index.ipynb")

#: Callers the hub itself answers about A: the tests' admin service (it makes everyone's
#: tokens and servers) and A's own token. A's server they may not open, all the same.
HUB_OWN = ("a service's token", "A's token without the service's scope")


def token_ids(rc, name: str) -> list[str]:
    status, data = rc.call("GET", f"/hub/api/users/{name}/tokens", rc.admin_token)
    assert status == 200, status
    return sorted(t["id"] for t in data["api_tokens"])


def kernel_ids(owner: Caller, rc, a: str) -> list[str]:
    reply = owner.send(rc.plan.url, "GET", f"/user/{a}/api/kernels")
    return sorted(k["id"] for k in json.loads(reply.text))


def test_no_one_but_a_opens_a_s_own_server(world: World) -> None:
    w = world
    rc, a = w.rc, w.a
    rc.start_server(a)
    try:
        sweep_a_s_server(w)
    finally:
        rc.stop_server(a)


def sweep_a_s_server(w: World) -> None:
    rc, a = w.rc, w.a
    everything = ("inherit",)  # each person's own token, with all they may do
    owner = Caller("A", "A", rc.token_for(a, everything))
    canary = f"CANARY-session-{uuid.uuid4().hex[:10]}"
    started = {"path": f"{canary}.ipynb", "name": canary, "type": "notebook",
               "kernel": {"name": "python3"}}  # fmt: skip
    reply = owner.send(rc.plan.url, "POST", f"/user/{a}/api/sessions", started)
    assert reply.status == 201, reply
    made = json.loads(reply.text)
    session, kernel = made["id"], made["kernel"]["id"]
    secrets = (canary, session, kernel)
    mine = f"/user/{a}/"
    tried = server_tries(a, kernel, session)

    violations: list[str] = []
    for method, path, _ in tried:  # A, the owner: every page and API answers
        if method == "GET" and path.startswith(mine):
            reply = owner.send(rc.plan.url, method, path)
            to_a_page = path == mine and mine in reply.location  # to the course home
            expected = 404 if path.removeprefix(mine) in NOT_A_LEARNERS else 200
            if reply.status != expected and not to_a_page:
                violations.append(f"A: {method} {path} answered {reply.status}")
    assert all(s in owner.send(rc.plan.url, "GET", mine + "api/sessions").text for s in secrets)
    assert owner.opens_websocket(rc.plan.url, mine + f"api/kernels/{kernel}/channels") == 101

    people = [c for c in w.callers if c.token and c.role in "BFGO"]
    others = [
        *(Caller(c.label, c.role, rc.token_for(w.people[c.role], everything)) for c in people),
        *(c for c in w.callers if c.browser or c.role == "nobody"),
    ]
    tokens, kernels = token_ids(rc, a), kernel_ids(owner, rc, a)  # Voilà's kernels: A's too
    for caller in others:
        for method, path, body in tried:
            if path.startswith("/hub/") and caller.label in HUB_OWN:
                continue
            reply = caller.send(rc.plan.url, method, path, body)
            what = f"{caller.label}: {method} {path}"
            if any(s in reply.text for s in secrets):
                violations.append(f"{what} carried A's session")
            at_a = mine in (reply.url or rc.plan.url + path)  # where a browser ended up
            if 200 <= reply.status < 300 and at_a:
                violations.append(f"{what} answered {reply.status}")
            if path.startswith("/hub/api/") and reply.status < 400:
                violations.append(f"{what} answered {reply.status}")
        for path in (f"api/kernels/{kernel}/channels", "api/events/subscribe"):
            if caller.opens_websocket(rc.plan.url, mine + path) == 101:
                violations.append(f"{caller.label}: a WebSocket opened at {mine}{path}")

    # A's server, kernels, session and tokens are as A left them.
    user = rc.call("GET", f"/hub/api/users/{a}", rc.admin_token)[1]
    if not user["servers"].get("", {}).get("ready"):
        violations.append("A's server was stopped")
    else:
        if kernel_ids(owner, rc, a) != kernels:
            violations.append("A's kernels changed")
        sessions = json.loads(owner.send(rc.plan.url, "GET", mine + "api/sessions").text)
        if [(s["id"], s["name"]) for s in sessions] != [(session, canary)]:
            violations.append("A's sessions changed")
    if token_ids(rc, a) != tokens:
        violations.append("A's tokens changed")
    write_counts("A's server", [owner, *others], violations)
    assert violations == []
