"""The peerkit hub service's HTTP API: its paths, limits and JSON shapes.

Every request carries its caller's JupyterHub token (``Authorization: token ...``);
the service takes the learner from the token alone, so no request names a learner.

=======  ===================================  ===========================================
method   path (under ``PREFIX``)              what
=======  ===================================  ===========================================
GET      ``whoami``                           ``{"learner", "groups", "facilitator"}``
GET      ``answers[?session=S]``              current answers: ``{"revisions": [...]}``
GET      ``answers/S/E``                      ``{"revision": r or null}``
PUT      ``answers/S/E``                      body ``{"value": v, "base": id or null}``;
                                              ``{"revision": r, "replaced": r or null}``
GET      ``answers/S/E/history``              ``{"revisions": [...]}``, oldest first
GET      ``revisions``                        every revision: ``{"revisions": [...]}``
GET      ``revisions/count``                  ``{"count": n}``
DELETE   ``revisions``                        erase everything: ``{"removed": n}``
GET      ``draft-secret``                     ``{"secret": s}``
GET      ``answers/S/E/consent``              who may see it: ``{"consent": c or null}``
PUT      ``answers/S/E/consent``              body ``{"audience": a, "group": g}``;
                                              ``{"consent": c}``
GET      ``answers/S/E/consent/history``      every choice: ``{"consents": [...]}``
GET      ``consents``                         each answer's choice: ``{"consents": [...]}``
POST     ``answers/S/E/submissions``          submit it to the facilitator:
                                              ``{"submission": s}`` (422: blank)
GET      ``submissions[?session=S]``          with feedback: ``{"submissions": [...]}``
GET      ``agreements?module=M``              the learner's groups' agreements for M:
                                              ``{"agreements": [...]}``
=======  ===================================  ===========================================

Errors are ``{"error": message}`` with a 4xx or 5xx status; a message never holds
any text the request carried.

A choice of "my group" (``group``, ``group-named``) is for one group, ``g``: it may
be left out by someone in one group only (their group is recorded), and is refused
(400) for someone in several, or (403) when they are not in it. A choice recorded
before groups were named has ``"group": null``: a group's board shows it only while
its learner is in that one group alone.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from peerkit.store.agreement import Agreement
from peerkit.store.answers import MAX_ANSWER_CHARS
from peerkit.store.consent import Consent
from peerkit.store.revision import Revision
from peerkit.store.submission import Feedback, Submission

SERVICE_NAME = "peerkit"
#: Where the proxy, and so the service, puts every path of the service.
PREFIX = f"/services/{SERVICE_NAME}/api/"
DEFAULT_PORT = 10101
#: A request body at most this big: the longest answer (each character escaped as
#: ``\\uXXXX``, or a surrogate pair as two) with room for the JSON around it.
MAX_BODY_BYTES = MAX_ANSWER_CHARS * 12 + 64 * 1024
#: Session and exercise ids, as the course uses them (peerkit/session.py).
ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,99}"


def revision_json(revision: Revision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "learner": revision.learner,
        "session": revision.session,
        "exercise": revision.exercise,
        "value": revision.value,
        "saved_at": revision.saved_at.isoformat(),
    }


def revision_from_json(data: Any) -> Revision:
    """A revision from the service's JSON; raises ValueError (no text of it) if malformed."""
    if not isinstance(data, dict):
        raise ValueError("not a revision")
    try:
        return Revision(
            id=int(data["id"]),
            learner=str(data["learner"]),
            session=str(data["session"]),
            exercise=str(data["exercise"]),
            value=data["value"],
            saved_at=datetime.fromisoformat(str(data["saved_at"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not a revision") from exc


#: What a learner in several groups is told when a choice of "my group" names none.
CHOOSE_GROUP = "You are in more than one group: choose which group can see this answer."
NOT_YOUR_GROUP = "You are not in that group, so you cannot share with it."


def consent_json(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.id,
        "session": consent.session,
        "exercise": consent.exercise,
        "audience": consent.audience,
        "changed_at": consent.changed_at.isoformat(),
        "group": consent.group,
    }


def consent_from_json(data: Any, learner: str) -> Consent:
    """A consent from the service's JSON; raises ValueError (no text of it) if malformed."""
    if not isinstance(data, dict):
        raise ValueError("not a consent")
    try:
        return Consent(
            id=int(data["id"]),
            learner=learner,
            session=str(data["session"]),
            exercise=str(data["exercise"]),
            audience=str(data["audience"]),
            changed_at=datetime.fromisoformat(str(data["changed_at"])),
            group=None if data.get("group") is None else str(data["group"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not a consent") from exc


def submission_json(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.id,
        "session": submission.session,
        "exercise": submission.exercise,
        "revision": submission.revision,
        "value": submission.value,
        "submitted_at": submission.submitted_at.isoformat(),
        "feedback": [
            {"id": f.id, "author": f.author, "text": f.text, "given_at": f.given_at.isoformat()}
            for f in submission.feedback
        ],
    }


def submission_from_json(data: Any, learner: str) -> Submission:
    """A submission from the service's JSON; raises ValueError (no text of it) if malformed."""
    if not isinstance(data, dict):
        raise ValueError("not a submission")
    try:
        sid = int(data["id"])
        feedback = tuple(
            Feedback(
                id=int(f["id"]),
                submission=sid,
                author=str(f["author"]),
                text=str(f["text"]),
                given_at=datetime.fromisoformat(str(f["given_at"])),
            )
            for f in data["feedback"]
        )
        return Submission(
            id=sid,
            learner=learner,
            session=str(data["session"]),
            exercise=str(data["exercise"]),
            revision=int(data["revision"]),
            value=data["value"],
            submitted_at=datetime.fromisoformat(str(data["submitted_at"])),
            feedback=feedback,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not a submission") from exc


def agreement_json(agreement: Agreement) -> dict[str, Any]:
    return {
        "id": agreement.id,
        "cohort": agreement.cohort,
        "module": agreement.module,
        "text": agreement.text,
        "author": agreement.author,
        "agreed_at": agreement.agreed_at.isoformat(),
    }


def agreement_from_json(data: Any) -> Agreement:
    """An agreement from the service's JSON; raises ValueError (no text of it) if malformed."""
    if not isinstance(data, dict):
        raise ValueError("not an agreement")
    try:
        return Agreement(
            id=int(data["id"]),
            cohort=str(data["cohort"]),
            module=str(data["module"]),
            text=str(data["text"]),
            author=str(data["author"]),
            agreed_at=datetime.fromisoformat(str(data["agreed_at"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not an agreement") from exc
