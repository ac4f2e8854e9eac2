"""The boards: pages of the peerkit service showing what learners chose to share.

``board/`` is the facilitator's board (facilitators only: the answers the learners
of their own groups shared with them, or with one of those groups), ``group/`` a
learner's group board (what their group shared with the group). Someone in several
groups reads each group's board apart, ``group/...?group=G`` (none until they
choose: ``group/`` lists their groups); an answer shared with "my group" names the
one group it is for, and a choice naming none (recorded before groups were named)
counts only while its learner is in one group alone. Each session's board is
drawn by the template engine (every text escaped), and kept live: the page listens
to ``.../events`` (server-sent events) and fetches ``.../fragment`` again when an
answer it may show changes; when the events stop, it polls instead. The same
stream keeps a facilitator's other pages of the session live: ``submitted`` (work
submitted to them, feedback on it, a learner's erase) for ``.../submitted``,
``agreement`` (one of their groups' agreements saved) for ``.../agreement``. An
event names nothing but its kind: nothing else about anyone is sent. Pages sign in
through JupyterHub (OAuth), with a strict Content-Security-Policy (no inline script
at all).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from markupsafe import Markup
from tornado.iostream import StreamClosedError
from tornado.web import HTTPError, RequestHandler, StaticFileHandler

from peerkit.course.answer_ids import AGREEMENT_EXERCISES
from peerkit.course.data import Course
from peerkit.errors import StoreError
from peerkit.hub.board_view import BoardSession, board_session, session_heading
from peerkit.hub.groups import Cohorts, GroupsUnavailable, HubGroups
from peerkit.pages.templating import macros
from peerkit.store.answer_store import AnswerStore
from peerkit.store.consent import FOR_FACILITATOR, FOR_GROUP

FACILITATOR = "facilitator"
GROUP = "group"
TEMPLATE = "hub/board.html.j2"
STATIC = Path(__file__).with_name("static")
#: A comment line this often keeps an idle event stream open through proxies.
HEARTBEAT_SECONDS = 15.0
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
REFUSED = {
    400: "You are in more than one group: choose which group's board from your board's page.",
    401: "Sign in to the course first.",
    403: "This board is for the course's facilitators.",
    404: "There is no such session in this course.",
    503: "The board cannot be shown just now. Please try again in a minute.",
}

log = logging.getLogger("peerkit.hub.boards")


#: What changed, as each board's event stream names it: a learner's answers or sharing
#: choices, work submitted to the facilitator (or feedback on it), a group's agreement.
ANSWERS, SUBMITTED, AGREEMENT = "changed", "submitted", "agreement"
Change = tuple[str, str | None, str | None]


class Changes:
    """Tells every open board's event stream that something it may show changed."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[Change]] = set()

    def notify(self, who: str, session: str | None = None, kind: str | None = ANSWERS) -> None:
        """``who`` is a learner (a group, for AGREEMENT); ``session`` None: all of the
        learner's sessions; ``kind`` None: everything of theirs (an erase)."""
        for queue in self._queues:
            queue.put_nowait((who, session, kind))

    @contextmanager
    def listen(self) -> Iterator[asyncio.Queue[Change]]:
        queue: asyncio.Queue[Change] = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def listening(self) -> int:
        return len(self._queues)


@dataclass(frozen=True)
class Boards:
    """What every board handler needs."""

    store: AnswerStore
    course: Course
    changes: Changes
    groups: HubGroups
    oauth: HubOAuth
    prefix: str
    root: Path | None = None
    #: The (session, exercise) pairs whose pages offer a group's ideas board.
    idea_boards: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Sight:
    """Whose shared answers a viewer may see on one kind of board, and which choices."""

    viewer: str
    learners: frozenset[str]
    audiences: frozenset[str]
    groups: list[str]
    #: The learners whose choices naming no group count on this board.
    unnamed: frozenset[str] = frozenset()
    #: The viewer's groups to choose from, when they are in several and chose none.
    choices: tuple[str, ...] = ()
    #: What the board's addresses end with (``?group=G``: one of several groups).
    query: str = ""

    @property
    def groups_text(self) -> str:
        if not self.groups:
            return "your group"
        named = ", ".join(f"\u201c{name}\u201d" for name in self.groups)
        return f"your group {named}" if len(self.groups) == 1 else f"your groups {named}"


def sight(cohorts: Cohorts, viewer: str, kind: str, group: str | None = None) -> Sight:
    """What ``viewer`` may see on a ``kind`` board (of ``group``, one of theirs, on a
    group's board); raises HTTPError(403) if nothing."""
    theirs = cohorts.cohorts_of(viewer)
    if kind == FACILITATOR:
        if not cohorts.is_facilitator(viewer):
            raise HTTPError(403)
        learners = cohorts.learners_of(viewer)
        return Sight(viewer, learners, FOR_FACILITATOR, theirs, cohorts.alone_in(learners, theirs))
    if group is None or group == "":
        if len(theirs) > 1:  # never merged, never guessed: they choose one
            return Sight(viewer, frozenset(), FOR_GROUP, [], choices=tuple(theirs))
        group = theirs[0] if theirs else None
    elif group not in theirs:  # the same for a group that does not exist
        raise HTTPError(403)
    if group is None:
        return Sight(viewer, frozenset(), FOR_GROUP, [])
    learners = cohorts.members_of(group)
    query = "?" + urlencode({"group": group}) if len(theirs) > 1 else ""
    return Sight(
        viewer, learners, FOR_GROUP, [group], cohorts.alone_in(learners, [group]), (), query
    )


class BoardHandler(HubOAuthenticated, RequestHandler):
    """Base of the board's pages: sign-in, who may see what, and safe headers."""

    def initialize(self, boards: Boards, kind: str) -> None:
        self.boards = boards
        self.kind = kind
        self.hub_auth = boards.oauth

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", CSP)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")

    @property
    def viewer(self) -> str | None:
        user = self.current_user
        if not user or user.get("kind", "user") != "user" or not isinstance(user.get("name"), str):
            return None
        return str(user["name"])

    async def cohorts(self) -> tuple[str, Cohorts]:
        """The signed-in viewer and the hub's groups (401 or 503 when there are none)."""
        viewer = self.viewer
        if viewer is None:
            raise HTTPError(401)
        try:
            return viewer, await self.boards.groups.cohorts(viewer)
        except GroupsUnavailable:
            log.warning("could not read the hub's groups")
            raise HTTPError(503) from None

    async def sight(self) -> Sight:
        viewer, cohorts = await self.cohorts()
        group = self.get_query_argument("group", None) if self.kind == GROUP else None
        seen = sight(cohorts, viewer, self.kind, group)
        self.query = seen.query
        return seen

    def session_id(self, session: str) -> str:
        if session not in self.boards.course.sessions_by_id:
            raise HTTPError(404)
        return session

    async def shared(self, seen: Sight, session: str | None = None) -> list[Any]:
        store = self.boards.store
        try:
            return await asyncio.to_thread(
                store.shared_answers, seen.viewer, seen.learners, seen.audiences, session,
                groups=seen.groups, unnamed_group=seen.unnamed,
            )  # fmt: skip
        except StoreError:
            log.warning("board read failed")
            raise HTTPError(503) from None

    @property
    def xsrf(self) -> str:
        """JupyterHub's XSRF token, for the page's forms and its own fetches."""
        token = self.xsrf_token
        return token.decode("ascii") if isinstance(token, bytes) else str(token)

    async def submitted(self, seen: Sight, session: str | None = None) -> list[Any]:
        """What the viewer's learners submitted to them (a facilitator's board only)."""
        if self.kind != FACILITATOR:
            return []
        store = self.boards.store
        try:
            return await asyncio.to_thread(
                store.submitted_work, seen.viewer, seen.learners, session
            )
        except StoreError:
            log.warning("reading submitted work failed")
            raise HTTPError(503) from None

    #: What this page's board addresses end with (set by ``sight``).
    query = ""

    def board_url(self, *parts: str) -> str:
        path = "/".join((self.kind if self.kind == GROUP else "board", *parts))
        return self.boards.prefix + path + self.query

    def choose_group(self, seen: Sight, session: str | None = None) -> None:
        """Someone in several groups, who chose none: a link to each group's board."""
        parts = (GROUP, session) if session else (GROUP,)
        base = self.boards.prefix + "/".join(parts)
        links = [(name, f"{base}?{urlencode({'group': name})}") for name in seen.choices]
        self.page("Your groups' boards", macros(TEMPLATE).choose_body(links))

    def page(self, title: str, body: Markup) -> None:
        m = macros(TEMPLATE)
        static = self.boards.prefix + "static/"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(str(m.page(title, self.boards.course, static, body)))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        message = REFUSED.get(status_code, "Something went wrong.")
        if status_code == 403 and self.kind == GROUP:
            message = "This is not yours to see."
        body = macros(TEMPLATE).refused(message, "/hub/home")
        self.page("Not available", body)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, HTTPError):
            return
        log.error("%s %s failed: %s", self.request.method, self.request.path, typ.__name__)


class BoardIndex(BoardHandler):
    async def get(self) -> None:
        if self.viewer is None:
            self.redirect(self.get_login_url())
            return
        seen = await self.sight()
        if seen.choices:
            self.choose_group(seen)
            return
        shared = await self.shared(seen)
        counts: dict[str, int] = {}
        for answer in shared:
            counts[answer.session] = counts.get(answer.session, 0) + 1
        course = self.boards.course
        sessions = [
            {
                "url": self.board_url(info.id),
                "heading": session_heading(course, info),
                "count": counts.get(info.id, 0),
            }
            for info in course.sessions
        ]
        title = "Shared answers" if self.kind == FACILITATOR else "Your group's board"
        groups = seen.groups_text if seen.groups else ""
        self.page(title, macros(TEMPLATE).index_body(self.kind, sessions, groups))


class PlainTextErrors(RequestHandler):
    """Refusals in words, for what a page's script fetches (a fragment, an event stream)."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(REFUSED.get(status_code, "Something went wrong."))


class SessionBoard(BoardHandler):
    async def board(self, session: str, seen: Sight | None = None) -> tuple[Sight, BoardSession]:
        session = self.session_id(session)
        seen = seen or await self.sight()
        if seen.choices:  # which group's board is not said: nothing is read
            raise HTTPError(400)
        shared = await self.shared(seen, session)
        return seen, board_session(self.boards.course, session, shared, self.boards.root)

    async def get(self, session: str) -> None:
        if self.viewer is None:
            self.redirect(self.get_login_url())
            return
        seen = await self.sight()
        if seen.choices:  # in several groups, none chosen: a link to each group's board
            self.choose_group(seen, self.session_id(session))
            return
        seen, board = await self.board(session, seen)
        submitted = None
        if self.kind == FACILITATOR:
            count = len(await self.submitted(seen, board.id))
            agreement = board.id in AGREEMENT_EXERCISES
            submitted = {
                "url": self.board_url(board.id, "submitted"),
                "count": count,
                "agreement": self.board_url(board.id, "agreement") if agreement else "",
                "ideas": self.idea_links(seen, board),
            }
        body = macros(TEMPLATE).session_body(
            board,
            self.kind,
            self.board_url(),
            self.board_url(session, "fragment"),
            self.board_url(session, "events"),
            seen.groups_text,
            # The page's own fetches send it back: JupyterHub accepts the sign-in cookie
            # of a script's request only with it (no other site's page can read it).
            self.xsrf,
            submitted,
        )
        self.page(board.heading, body)

    def idea_links(self, seen: Sight, board: BoardSession) -> list[tuple[str, str]]:
        """The print view of each group's ideas board in this session, for a facilitator."""
        from peerkit.hub.ideas_print import print_url

        return [
            (
                f"Print the ideas of {group}: {exercise.title}",
                print_url(self.boards.prefix, board.id, exercise.id, group),
            )
            for exercise in board.exercises
            if (board.id, exercise.id) in self.boards.idea_boards
            for group in seen.groups
        ]


class Fragment(PlainTextErrors, SessionBoard):
    """The live part of a session's board, for the page to swap in."""

    async def get(self, session: str) -> None:
        _, board = await self.board(session)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(str(macros(TEMPLATE).answers(board, self.kind)))


class Events(PlainTextErrors, BoardHandler):
    """Server-sent events: ``changed`` whenever an answer this board may show changed."""

    closed = False

    def on_connection_close(self) -> None:
        self.closed = True

    async def get(self, session: str) -> None:
        session = self.session_id(session)
        seen = await self.sight()
        if seen.choices:
            raise HTTPError(400)
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("X-Accel-Buffering", "no")
        changes = self.boards.changes
        with changes.listen() as queue:
            try:
                self.write("retry: 2000\n\n")
                await self.flush()
                while not self.closed:
                    try:
                        who, where, kind = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        self.write(": still here\n\n")
                    else:
                        if where not in (None, session):
                            continue
                        seen = await self.sight()  # groups change: ask again (cached briefly)
                        for name in self.events(seen, who, kind):
                            self.write(f"event: {name}\ndata: {{}}\n\n")
                    await self.flush()
            except (StreamClosedError, HTTPError):
                return

    def events(self, seen: Sight, who: str, kind: str | None) -> list[str]:
        """The events one change makes on this stream (none: not the viewer's to know)."""
        facilitating = self.kind == FACILITATOR
        if kind == AGREEMENT:  # ``who`` is a group: its facilitators' pages only
            return [AGREEMENT] if facilitating and who in seen.groups else []
        if who not in seen.learners:
            return []
        if kind is None:  # an erase: the answers, and on a facilitator's pages the work
            return [ANSWERS, SUBMITTED] if facilitating else [ANSWERS]
        return [kind] if kind == ANSWERS or facilitating else []


class Static(StaticFileHandler):
    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")


class OAuthCallback(HubOAuthCallbackHandler):
    def initialize(self, boards: Boards) -> None:
        self.hub_auth = boards.oauth


def board_routes(boards: Boards) -> list[Any]:
    """The boards' routes, under the service's prefix."""
    p = boards.prefix
    session = r"(?P<session>[a-z0-9][a-z0-9-]{0,63})"
    routes: list[Any] = [
        (p + "oauth_callback", OAuthCallback, {"boards": boards}),
        (p + r"static/(.*)", Static, {"path": str(STATIC)}),
    ]
    from peerkit.hub.agreement_page import AgreementNow, AgreementPage
    from peerkit.hub.ideas_print import IdeasPrint
    from peerkit.hub.submitted_work import SubmittedFragment, SubmittedWork

    facilitating = {"boards": boards, "kind": FACILITATOR}
    exercise = r"(?P<exercise>[a-z0-9][a-z0-9-]{0,63})"
    routes += [
        (p + f"board/{session}/submitted", SubmittedWork, facilitating),
        (p + f"board/{session}/submitted/fragment", SubmittedFragment, facilitating),
        (p + f"board/{session}/agreement", AgreementPage, facilitating),
        (p + f"board/{session}/agreement/current", AgreementNow, facilitating),
        (p + f"board/{session}/ideas/{exercise}", IdeasPrint, facilitating),
    ]
    for kind, name in ((FACILITATOR, "board"), (GROUP, "group")):
        args = {"boards": boards, "kind": kind}
        routes += [
            (p + name + "/?", BoardIndex, args),
            (p + f"{name}/{session}/?", SessionBoard, args),
            (p + f"{name}/{session}/fragment", Fragment, args),
            (p + f"{name}/{session}/events", Events, args),
        ]
    return routes
