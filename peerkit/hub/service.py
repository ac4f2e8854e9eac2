"""The peerkit hub service: the one process that opens the class's answer database.

A JupyterHub service (run as ``python -m peerkit.hub.service``, by the hub as a
managed service or beside it). Learners' kernels call it over HTTP with their own
JupyterHub token (peerkit/hub/client.py); the learner is the token's owner, never
anything the request says. Paths and shapes: peerkit/hub/api.py.

Configured from the environment:
``PEERKIT_DATABASE_URL`` (a PostgreSQL role that does not own the tables),
``PEERKIT_DATABASE_ADMIN_URL`` (their owner, used once at start to create, upgrade
and secure them; optional), ``PEERKIT_SERVICE_BIND`` (127.0.0.1) and
``PEERKIT_SERVICE_PORT`` (10101), ``PEERKIT_HOME`` (the course, for the ids it
accepts), and the ``JUPYTERHUB_*`` variables JupyterHub gives its services.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jupyterhub.services.auth import HubAuth, HubAuthenticated, HubOAuth
from tornado.httpclient import AsyncHTTPClient
from tornado.httpserver import HTTPServer
from tornado.log import access_log
from tornado.web import Application, HTTPError, RequestHandler

from peerkit import paths
from peerkit.errors import AnswerRejected, PeerkitError, StoreError
from peerkit.hub import api
from peerkit.hub.boards import SUBMITTED, Boards, Changes, board_routes
from peerkit.hub.groups import GroupsUnavailable, HubGroups
from peerkit.store.answer_store import AnswerStore
from peerkit.store.consent import FOR_GROUP, PRIVATE, UnknownAudience
from peerkit.store.submission import NothingToSubmit

ADMIN_URL_ENV = "PEERKIT_DATABASE_ADMIN_URL"
BIND_ENV = "PEERKIT_SERVICE_BIND"
PORT_ENV = "PEERKIT_SERVICE_PORT"
#: Signs the boards' sign-in cookies; kept by whoever starts the service, so board
#: sign-ins survive a restart (a new one each start otherwise).
COOKIE_SECRET_ENV = "PEERKIT_COOKIE_SECRET"

log = logging.getLogger("peerkit.hub.service")
T = TypeVar("T")

#: The only error texts the service sends: none holds anything from the request.
MESSAGES = {
    400: "The request was not understood.",
    401: "Sign in to the course first.",
    403: "This is not yours to see.",
    404: "No such exercise in this course.",
    405: "That is not something this address does.",
    413: "The request is too large.",
    415: "Send JSON.",
    422: "That answer cannot be saved.",
    503: "The answers database cannot be reached just now.",
}


@dataclass(frozen=True)
class Parts:
    """What every API handler needs."""

    store: AnswerStore
    known: frozenset[tuple[str, str]]
    auth: HubAuth
    changes: Changes
    groups: HubGroups
    #: Each answer's current sharing choice, as this service last read or set it: a
    #: save asks the database only the first time (this is the one process that sets
    #: them). It only decides whether boards are told to look again; what a board
    #: shows is always read from the database.
    choices: dict[tuple[str, str, str], str] = field(default_factory=dict)
    #: The (session, exercise) pairs whose pages offer a group board, and its news.
    boards: frozenset[tuple[str, str]] = frozenset()
    idea_changes: Changes = field(default_factory=Changes)


class ApiHandler(HubAuthenticated, RequestHandler):
    """A JSON endpoint for the learner named by the request's token."""

    def initialize(self, parts: Parts) -> None:
        self.parts = parts
        self.store = parts.store
        self.known = parts.known
        # Tokens only (never the boards' cookies), so no request can be forged cross-site.
        self.hub_auth = parts.auth

    def check_xsrf_cookie(self) -> None:
        """Token-authenticated API: no cookies are read, so no cross-site forgery check."""

    def prepare(self) -> None:
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > api.MAX_BODY_BYTES):
            raise HTTPError(413)
        if self.request.body and len(self.request.body) > api.MAX_BODY_BYTES:
            raise HTTPError(413)

    def get_login_url(self) -> str:
        raise HTTPError(401)

    @property
    def learner(self) -> str:
        user = self.current_user  # HubAuthenticated: 403 for a token without the scope
        if not user:
            raise HTTPError(401)
        if user.get("kind", "user") != "user" or not isinstance(user.get("name"), str):
            raise HTTPError(403)  # a service's token is nobody's answers
        return str(user["name"])

    def answer(self, session: str, exercise: str) -> tuple[str, str]:
        if (session, exercise) not in self.known:
            raise HTTPError(404)
        return session, exercise

    async def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A store call, off the event loop (the database may be slow or restarting)."""
        try:
            return await asyncio.to_thread(call, *args, **kwargs)
        except StoreError as exc:
            log.warning("store call failed: %s", type(exc).__name__)
            raise HTTPError(503) from None

    def body(self) -> dict[str, Any]:
        if "json" not in self.request.headers.get("Content-Type", ""):
            raise HTTPError(415)
        try:
            data = json.loads(self.request.body)
        except ValueError:
            raise HTTPError(400) from None
        if not isinstance(data, dict):
            raise HTTPError(400)
        return data

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish({"error": MESSAGES.get(status_code, "Something went wrong.")})

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, HTTPError):
            return
        # The type only: an exception's text could hold part of a learner's answer.
        log.error("%s %s failed: %s", self.request.method, self.request.path, typ.__name__)

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")


class WhoAmI(ApiHandler):
    async def get(self) -> None:
        learner = self.learner
        try:
            cohorts = await self.parts.groups.cohorts(learner)
        except GroupsUnavailable:
            self.finish({"learner": learner, "groups": [], "facilitator": False})
            return
        # The groups decide whether a page offers sharing: no group, nobody to share with.
        self.finish(
            {
                "learner": learner,
                "groups": cohorts.cohorts_of(learner),
                "facilitator": cohorts.is_facilitator(learner),
            }
        )


class Answer(ApiHandler):
    async def get(self, session: str, exercise: str) -> None:
        self.answer(session, exercise)
        revision = await self.run(self.store.latest, self.learner, session, exercise)
        self.finish({"revision": None if revision is None else api.revision_json(revision)})

    async def put(self, session: str, exercise: str) -> None:
        learner = self.learner
        self.answer(session, exercise)
        data = self.body()
        base = data.get("base")
        if "value" not in data or not (base is None or type(base) is int):
            raise HTTPError(400)
        try:
            revision, replaced = await self.run(
                self.store.save_over, learner, session, exercise, data["value"], base=base
            )
        except AnswerRejected as exc:
            # The message is peerkit's own (a length or a shape, never the text).
            self.set_status(422)
            self.finish({"error": str(exc), "rejected": True})
            return
        await self.tell_boards(learner, session, exercise)
        self.finish(
            {
                "revision": api.revision_json(revision),
                "replaced": None if replaced is None else api.revision_json(replaced),
            }
        )

    async def tell_boards(self, learner: str, session: str, exercise: str) -> None:
        """Tell the open boards, when the answer is shared (a private save is no one's news)."""
        key = (learner, session, exercise)
        audience = self.parts.choices.get(key)
        if audience is None:
            try:
                consent = await self.run(self.store.consent, learner, session, exercise)
            except HTTPError:
                return  # saved; a board that misses this hears of the next change
            audience = PRIVATE if consent is None else consent.audience
            self.parts.choices[key] = audience
        if audience != PRIVATE:
            self.parts.changes.notify(learner, session)


class History(ApiHandler):
    async def get(self, session: str, exercise: str) -> None:
        self.answer(session, exercise)
        revisions = await self.run(self.store.history, self.learner, session, exercise)
        self.finish({"revisions": [api.revision_json(r) for r in revisions]})


class CurrentAnswers(ApiHandler):
    async def get(self) -> None:
        learner = self.learner
        session = self.get_query_argument("session", None)
        if session is not None and not api.ID.match(session):
            raise HTTPError(404)
        revisions = await self.run(self.store.current_answers, learner, session)
        self.finish({"revisions": [api.revision_json(r) for r in revisions]})


class Revisions(ApiHandler):
    async def get(self) -> None:
        revisions = await self.run(self.store.all_revisions, self.learner)
        self.finish({"revisions": [api.revision_json(r) for r in revisions]})

    async def delete(self) -> None:
        learner = self.learner
        removed = await self.run(self.store.erase_learner, learner)
        for key in [k for k in self.parts.choices if k[0] == learner]:
            del self.parts.choices[key]
        self.parts.changes.notify(learner, None, None)  # everything of theirs
        self.finish({"removed": removed})


class ConsentChoice(ApiHandler):
    """Who may see one answer: the learner's current choice, and a new one."""

    async def get(self, session: str, exercise: str) -> None:
        self.answer(session, exercise)
        consent = await self.run(self.store.consent, self.learner, session, exercise)
        self.finish({"consent": None if consent is None else api.consent_json(consent)})

    async def put(self, session: str, exercise: str) -> None:
        learner = self.learner
        self.answer(session, exercise)
        data = self.body()
        audience, group = data.get("audience"), None
        if audience in FOR_GROUP:
            try:
                theirs = (await self.parts.groups.cohorts(learner)).cohorts_of(learner)
            except GroupsUnavailable:
                raise HTTPError(503) from None
            named = data.get("group")
            if named is None or named == "":
                if len(theirs) > 1:  # never a guess: the learner says which group
                    self.set_status(400)
                    self.finish({"error": api.CHOOSE_GROUP})
                    return
                group = theirs[0] if theirs else None
            elif named in theirs:
                group = named
            else:  # not a group of theirs (or not a name at all), said the same way
                self.set_status(403)
                self.finish({"error": api.NOT_YOUR_GROUP})
                return
        try:
            consent = await self.run(
                self.store.set_consent, learner, session, exercise, audience, group
            )
        except UnknownAudience as exc:
            self.set_status(422)
            self.finish({"error": str(exc)})
            return
        self.parts.choices[(learner, session, exercise)] = consent.audience
        self.parts.changes.notify(learner, session)
        self.finish({"consent": api.consent_json(consent)})


class ConsentHistory(ApiHandler):
    async def get(self, session: str, exercise: str) -> None:
        self.answer(session, exercise)
        history = await self.run(self.store.consent_history, self.learner, session, exercise)
        self.finish({"consents": [api.consent_json(c) for c in history]})


class Consents(ApiHandler):
    async def get(self) -> None:
        consents = await self.run(self.store.consents, self.learner)
        self.finish({"consents": [api.consent_json(c) for c in consents]})


class Submit(ApiHandler):
    """Submit one answer, as saved now, to the learner's facilitator."""

    async def post(self, session: str, exercise: str) -> None:
        learner = self.learner
        self.answer(session, exercise)
        try:
            submission = await self.run(self.store.submit, learner, session, exercise)
        except NothingToSubmit as exc:
            self.set_status(422)
            self.finish({"error": str(exc), "nothing": True})
            return
        self.parts.changes.notify(learner, session, SUBMITTED)  # the facilitators' pages
        self.finish({"submission": api.submission_json(submission)})


class Submissions(ApiHandler):
    async def get(self) -> None:
        learner = self.learner
        session = self.get_query_argument("session", None)
        if session is not None and not api.ID.match(session):
            raise HTTPError(404)
        found = await self.run(self.store.submissions, learner, session)
        self.finish({"submissions": [api.submission_json(s) for s in found]})


class Agreements(ApiHandler):
    """The agreements of the learner's own groups for one module."""

    async def get(self) -> None:
        learner = self.learner
        module = self.get_query_argument("module", "")
        if not api.ID.match(module):
            raise HTTPError(404)
        try:
            cohorts = await self.parts.groups.cohorts(learner)
        except GroupsUnavailable:
            raise HTTPError(503) from None
        found = await self.run(self.store.agreements, learner, cohorts.cohorts_of(learner), module)
        self.finish({"agreements": [api.agreement_json(a) for a in found]})


class RevisionCount(ApiHandler):
    async def get(self) -> None:
        self.finish({"count": await self.run(self.store.count_revisions, self.learner)})


class DraftSecret(ApiHandler):
    async def get(self) -> None:
        self.finish({"secret": await self.run(self.store.draft_secret, self.learner)})


class Health(RequestHandler):
    """For whoever started the service: it is up (no sign-in, nothing about anyone)."""

    def get(self) -> None:
        self.finish({"ok": True})


def make_app(parts: Parts, boards: Boards, cookie_secret: str) -> Any:
    from peerkit.hub.idea_api import idea_routes

    args = {"parts": parts}
    one = rf"(?P<session>{api.ID_PATTERN})/(?P<exercise>{api.ID_PATTERN})"
    p = api.PREFIX
    routes: list[Any] = [
        (p + "health", Health),
        (p + "whoami", WhoAmI, args),
        (p + "answers", CurrentAnswers, args),
        (p + f"answers/{one}", Answer, args),
        (p + f"answers/{one}/history", History, args),
        (p + f"answers/{one}/consent", ConsentChoice, args),
        (p + f"answers/{one}/consent/history", ConsentHistory, args),
        (p + "consents", Consents, args),
        (p + f"answers/{one}/submissions", Submit, args),
        (p + "submissions", Submissions, args),
        (p + "agreements", Agreements, args),
        (p + "revisions", Revisions, args),
        (p + "revisions/count", RevisionCount, args),
        (p + "draft-secret", DraftSecret, args),
        *idea_routes(p, one, args),
        *board_routes(boards),
    ]
    return Application(
        routes,
        cookie_secret=cookie_secret,
        default_handler_class=NotFound,
        log_function=log_request,
    )


def log_request(handler: RequestHandler) -> None:
    """The access log, with the path only: a query can hold a board's XSRF token."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    request = handler.request
    access_log.log(
        level, "%d %s %s %.0f ms", status, request.method, request.path,
        1000.0 * request.request_time(),
    )  # fmt: skip


class NotFound(RequestHandler):
    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish({"error": MESSAGES[404]})


def open_store() -> AnswerStore:
    url = os.environ.get(paths.DATABASE_URL_ENV, "").strip()
    if not url:
        raise PeerkitError(f"Set {paths.DATABASE_URL_ENV} to the class's PostgreSQL database.")
    return AnswerStore(url, admin_url=os.environ.get(ADMIN_URL_ENV, "").strip() or None)


def course_answers() -> frozenset[tuple[str, str]]:
    from peerkit.course.answer_ids import known_answers
    from peerkit.course.data import load_course

    return known_answers(load_course())


def course_boards() -> frozenset[tuple[str, str]]:
    from peerkit.course.answer_ids import known_boards
    from peerkit.course.data import load_course

    return known_boards(load_course())


def hub_fetch(token: str) -> Callable[[str], Any]:
    """Reads the hub's API with the service's own token."""
    client = AsyncHTTPClient()

    async def fetch(url: str) -> bytes:
        headers = {
            "Authorization": f"token {token}",
            "Accept": "application/jupyterhub-pagination+json",
        }
        response = await client.fetch(url, headers=headers, request_timeout=10)
        return bytes(response.body)

    return fetch


async def serve() -> None:
    from peerkit.course.data import load_course

    store = open_store()
    known = course_answers()
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    api_url = os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")
    prefix = f"/services/{api.SERVICE_NAME}/"
    changes = Changes()
    groups = HubGroups(api_url, hub_fetch(token))
    auth = HubAuth(api_token=token, api_url=api_url)
    parts = Parts(store, known, auth, changes, groups, boards=course_boards())
    oauth = HubOAuth(
        api_token=token,
        api_url=api_url,
        base_url=prefix,
        oauth_client_id=os.environ.get("JUPYTERHUB_CLIENT_ID") or f"service-{api.SERVICE_NAME}",
        oauth_redirect_uri=prefix + "oauth_callback",
    )
    boards = Boards(store, load_course(), changes, groups, oauth, prefix, idea_boards=parts.boards)
    cookie_secret = os.environ.get(COOKIE_SECRET_ENV) or secrets.token_hex(32)
    app = make_app(parts, boards, cookie_secret)
    bind = os.environ.get(BIND_ENV, "127.0.0.1")
    port = int(os.environ.get(PORT_ENV, str(api.DEFAULT_PORT)))
    server = HTTPServer(app, max_body_size=api.MAX_BODY_BYTES + 1024, xheaders=False)
    server.listen(port, bind)
    log.warning("peerkit hub service listening on %s:%s (%d answers known)", bind, port, len(known))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()
    await server.close_all_connections()
    store.close()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="[peerkit service %(levelname)s] %(message)s")
    try:
        asyncio.run(serve())
    except PeerkitError as exc:
        raise SystemExit(str(exc)) from None


if __name__ == "__main__":
    main()
