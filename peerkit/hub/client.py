"""``ServiceStore``: the answer store of a learner's kernel in a class.

It holds no database address or password: it calls the peerkit hub service
(peerkit/hub/service.py) with the kernel's own ``JUPYTERHUB_API_TOKEN``, and the
service decides whose answers those are from the token. Standard library only, so a
kernel in a class never imports SQLAlchemy.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from peerkit import paths
from peerkit.errors import AnswerRejected, StoreError
from peerkit.hub import api
from peerkit.store.agreement import Agreement
from peerkit.store.answers import normalise
from peerkit.store.consent import Consent, checked
from peerkit.store.ideas import Idea
from peerkit.store.revision import Revision
from peerkit.store.submission import NothingToSubmit, Submission

TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
TIMEOUT_SECONDS = 10.0
UNREACHABLE = "Could not reach the course's answer service."
REFUSED = "The course's answer service refused the request."
NOT_YOURS = "A course page can only read and save its own learner's answers."
LOCATION = "your class's database, run by your course organiser"


#: How long ``groups_now`` uses the groups it read before asking again.
GROUPS_MAX_AGE_SECONDS = 5.0


class ServiceStore:
    """The answer store, through the hub service. Same methods as ``AnswerStore``."""

    def __init__(self, url: str, token: str, *, timeout: float = TIMEOUT_SECONDS) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"{paths.SERVICE_URL_ENV} is not an http(s) address.")
        if not token:
            raise StoreError(f"{TOKEN_ENV} is not set: this page was not started by JupyterHub.")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._base = parts.path.rstrip("/") + api.PREFIX
        self._token = token
        self._timeout = timeout
        self._learner: str | None = None
        self._groups: list[str] = []
        self._groups_read_at = -1e9
        self._facilitator = False
        #: Each answer's choice, read in one call when a page first asks (None: not yet).
        self._choices: dict[tuple[str, str], Consent] | None = None
        self._secret: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> ServiceStore:
        return cls(os.environ.get(paths.SERVICE_URL_ENV, "").strip(), os.environ.get(TOKEN_ENV, ""))

    # --- the HTTP call ----------------------------------------------------
    def call(
        self, method: str, path: str, body: Any = None, *, refusal: type[Exception] | None = None
    ) -> Any:
        """One call to the service; a 422 it explains raises ``refusal`` with its words."""
        return self._call(method, path, body, refusal=refusal)

    def stream(self, path: str, timeout: float) -> http.client.HTTPResponse:
        """An open event stream from the service (the caller reads and closes it)."""
        headers = {"Authorization": f"token {self._token}", "Accept": "text/event-stream"}
        conn_class = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = conn_class(self._host, self._port, timeout=timeout)
        try:
            conn.request("GET", self._base + path, headers=headers)
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise StoreError(UNREACHABLE) from exc
        if response.status != 200:
            conn.close()
            raise StoreError(REFUSED)
        return response

    def own_ideas(self, learner: str) -> list[Idea]:
        from peerkit.hub.idea_client import IdeaBoards

        self._mine(learner)
        return IdeaBoards(self).own()

    @property
    def idea_boards(self) -> Any:
        """The learner's group boards (peerkit/hub/idea_client.py)."""
        from peerkit.hub.idea_client import IdeaBoards

        return IdeaBoards(self)

    def _call(
        self, method: str, path: str, body: Any = None, *, refusal: type[Exception] | None = None
    ) -> Any:
        payload = None if body is None else json.dumps(body, ensure_ascii=True).encode("ascii")
        headers = {"Authorization": f"token {self._token}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        conn_class = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = conn_class(self._host, self._port, timeout=self._timeout)
        try:
            conn.request(method, self._base + path, body=payload, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise StoreError(UNREACHABLE) from exc
        finally:
            conn.close()
        try:
            data = json.loads(raw or b"null")
        except ValueError:
            data = None
        if response.status == 422 and isinstance(data, dict) and data.get("rejected"):
            raise AnswerRejected(str(data.get("error") or REFUSED))
        if response.status == 422 and isinstance(data, dict) and data.get("nothing"):
            raise NothingToSubmit(str(data.get("error") or REFUSED))
        if refusal is not None and response.status in (409, 422) and isinstance(data, dict):
            raise refusal(str(data.get("error") or REFUSED))
        if response.status >= 400:
            raise StoreError(REFUSED if response.status < 500 else UNREACHABLE)
        return data

    def _revisions(self, data: Any) -> list[Revision]:
        try:
            return [api.revision_from_json(item) for item in data["revisions"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    def _revision(self, data: Any) -> Revision | None:
        if data is None:
            return None
        try:
            return api.revision_from_json(data)
        except ValueError as exc:
            raise StoreError(REFUSED) from exc

    def _whoami(self) -> str:
        """The token's owner and their groups, asked of the service once."""
        if self._learner is None:
            data = self._call("GET", "whoami")
            name = data.get("learner") if isinstance(data, dict) else None
            if not isinstance(name, str):
                raise StoreError(REFUSED)
            groups = data.get("groups")
            listed = groups if isinstance(groups, list) else []
            self._groups = [g for g in listed if isinstance(g, str)]
            self._facilitator = data.get("facilitator") is True
            self._learner = name
        return self._learner

    def _mine(self, learner: str) -> None:
        """Refuse a call for anyone but the token's owner (the service would too)."""
        if learner != self._whoami():
            raise StoreError(NOT_YOURS)

    @staticmethod
    def _answer_path(session: str, exercise: str) -> str:
        return f"answers/{quote(session, safe='')}/{quote(exercise, safe='')}"

    # --- the store's methods ----------------------------------------------
    def close(self) -> None:
        """Nothing to let go of: each call is its own connection."""

    def __enter__(self) -> ServiceStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def wait_briefly(self, timeout_ms: int = 1000) -> None:
        self._timeout = max(0.1, timeout_ms / 1000)

    def save(self, learner: str, session: str, exercise: str, value: Any) -> Revision:
        return self.save_over(learner, session, exercise, value, base=None)[0]

    def save_over(
        self, learner: str, session: str, exercise: str, value: Any, *, base: int | None
    ) -> tuple[Revision, Revision | None]:
        cleaned = normalise(value)  # the same refusal, before the text leaves the kernel
        self._mine(learner)
        data = self._call(
            "PUT", self._answer_path(session, exercise), {"value": cleaned, "base": base}
        )
        if not isinstance(data, dict):
            raise StoreError(REFUSED)
        revision = self._revision(data.get("revision"))
        if revision is None:
            raise StoreError(REFUSED)
        return revision, self._revision(data.get("replaced"))

    def draft_secret(self, learner: str) -> str:
        self._mine(learner)
        with self._lock:
            if self._secret is None:
                data = self._call("GET", "draft-secret")
                secret = data.get("secret") if isinstance(data, dict) else None
                if not isinstance(secret, str):
                    raise StoreError(REFUSED)
                self._secret = secret
            return self._secret

    def latest(self, learner: str, session: str, exercise: str) -> Revision | None:
        self._mine(learner)
        data = self._call("GET", self._answer_path(session, exercise))
        return self._revision(data.get("revision") if isinstance(data, dict) else None)

    def history(self, learner: str, session: str, exercise: str) -> list[Revision]:
        self._mine(learner)
        return self._revisions(self._call("GET", self._answer_path(session, exercise) + "/history"))

    def all_revisions(self, learner: str) -> list[Revision]:
        self._mine(learner)
        return self._revisions(self._call("GET", "revisions"))

    def current_answers(self, learner: str, session: str | None = None) -> list[Revision]:
        self._mine(learner)
        query = "" if session is None else "?" + urlencode({"session": session})
        return self._revisions(self._call("GET", "answers" + query))

    def count_revisions(self, learner: str) -> int:
        self._mine(learner)
        data = self._call("GET", "revisions/count")
        try:
            return int(data["count"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    def erase_learner(self, learner: str) -> int:
        self._mine(learner)
        data = self._call("DELETE", "revisions")
        with self._lock:
            self._secret = None
            self._choices = None
        try:
            return int(data["removed"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    def _consent(self, data: Any, learner: str) -> Consent | None:
        if data is None:
            return None
        try:
            return api.consent_from_json(data, learner)
        except ValueError as exc:
            raise StoreError(REFUSED) from exc

    def set_consent(
        self, learner: str, session: str, exercise: str, audience: str, group: str | None = None
    ) -> Consent:
        """``group``: which of the learner's groups a choice of "my group" is for (the
        service refuses none for someone in several groups: StoreError, its words)."""
        audience = checked(audience)
        self._mine(learner)
        body = {"audience": audience, **({"group": group} if group else {})}
        data = self._call("PUT", self._answer_path(session, exercise) + "/consent", body)
        consent = self._consent(data.get("consent") if isinstance(data, dict) else None, learner)
        if consent is None:
            raise StoreError(REFUSED)
        with self._lock:
            if self._choices is not None:
                self._choices[(session, exercise)] = consent
        return consent

    def consent(self, learner: str, session: str, exercise: str) -> Consent | None:
        """The answer's choice: the first call reads every choice, so a page asks once."""
        with self._lock:
            choices = self._choices
        if choices is None:
            choices = {(c.session, c.exercise): c for c in self.consents(learner)}
            with self._lock:
                self._choices = choices
        self._mine(learner)
        return choices.get((session, exercise))

    def consents(self, learner: str) -> list[Consent]:
        self._mine(learner)
        data = self._call("GET", "consents")
        try:
            items = data["consents"]
            return [api.consent_from_json(item, learner) for item in items]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    def submit(self, learner: str, session: str, exercise: str) -> Submission:
        self._mine(learner)
        data = self._call("POST", self._answer_path(session, exercise) + "/submissions", {})
        try:
            return api.submission_from_json(data["submission"], learner)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    def submissions(self, learner: str, session: str | None = None) -> list[Submission]:
        self._mine(learner)
        query = "" if session is None else "?" + urlencode({"session": session})
        data = self._call("GET", "submissions" + query)
        try:
            return [api.submission_from_json(item, learner) for item in data["submissions"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    def group_agreements(self, learner: str, module: str) -> list[Agreement]:
        self._mine(learner)
        data = self._call("GET", "agreements?" + urlencode({"module": module}))
        try:
            return [api.agreement_from_json(item) for item in data["agreements"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(REFUSED) from exc

    @property
    def sharing(self) -> bool:
        """True when the learner is in a group of the class (asked of the service once)."""
        try:
            self._whoami()
        except StoreError:
            return False
        return bool(self._groups)

    @property
    def groups(self) -> list[str]:
        return list(self._groups)

    def groups_now(self) -> list[str]:
        """The learner's groups, asked again at most every few seconds (they may have
        changed since the kernel started; a page's exercises share one asking)."""
        with self._lock:
            fresh = time.monotonic() - self._groups_read_at < GROUPS_MAX_AGE_SECONDS
        if not fresh:
            data = self._call("GET", "whoami")
            listed = data.get("groups") if isinstance(data, dict) else None
            if not isinstance(listed, list):
                raise StoreError(REFUSED)
            with self._lock:
                self._groups = [g for g in listed if isinstance(g, str)]
                self._groups_read_at = time.monotonic()
        return list(self._groups)

    @property
    def facilitator(self) -> bool:
        """True for a member of the class's facilitators group."""
        return self._facilitator

    @property
    def in_file(self) -> bool:
        return False

    @property
    def location(self) -> str:
        return LOCATION
