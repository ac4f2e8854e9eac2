"""Submitting an answer to the learner's facilitator, and showing the feedback on it.

An exercise declared with ``submit=True`` (the Module 1 essay and final assignment)
offers, in a class, a "Submit to my facilitator" button. Submitting freezes the
answer as it is saved at that moment; the facilitator's feedback, written on their
board, is shown under the exercise. What the browser is sent (the view's
``submission`` trait): ``{"items": [{"id", "when", "feedback": [{"author", "when",
"text"}]}]}``, newest first; empty outside a class.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from peerkit.errors import StoreError
from peerkit.store.submission import NothingToSubmit, Submission

if TYPE_CHECKING:
    from peerkit.exercises.base import AnswerSlot

#: Said when the service cannot be reached; the answer itself is untouched.
NOT_SENT = "Your work could not be submitted just now. It is still saved here. Please try again."
NOT_READ = "Your submissions could not be checked just now."


def when_text(moment: datetime) -> str:
    """'2 Dec 2026 at 14:05' (local time)."""
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y} at {local:%H:%M}"


def item_json(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.id,
        "when": when_text(submission.submitted_at),
        "feedback": [
            {"author": f.author, "when": when_text(f.given_at), "text": f.text}
            for f in submission.feedback
        ],
    }


def submission_state(slot: AnswerSlot) -> dict[str, Any]:
    """What the view shows: this answer's submissions, newest first (or why not)."""
    try:
        found = slot.store.submissions(slot.learner, slot.session)
    except StoreError:
        return {"items": [], "error": NOT_READ}
    mine = [s for s in found if s.exercise == slot.exercise]
    return {"items": [item_json(s) for s in reversed(mine)], "error": ""}


def submit(slot: AnswerSlot, state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Submit the saved answer; returns the reply for the browser and the new state."""
    try:
        made = slot.store.submit(slot.learner, slot.session, slot.exercise)
    except NothingToSubmit as exc:
        return {"type": "submit-failed", "message": str(exc)}, state
    except StoreError:
        return {"type": "submit-failed", "message": NOT_SENT}, state
    items = [i for i in state.get("items", []) if i.get("id") != made.id]
    new_state = {"items": [item_json(made), *items], "error": ""}
    reply = {"type": "submitted", "when": when_text(made.submitted_at), "state": new_state}
    return reply, new_state
