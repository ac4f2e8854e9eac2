"""The complete machine-readable record: every answer with every revision and its time."""

from __future__ import annotations

import json
from typing import Any

from peerkit.portfolio.collect import ExerciseEntry, ModuleEntry, Portfolio, SessionEntry
from peerkit.store.revision import Revision

FORMAT_NAME = "peerkit-portfolio"


def portfolio_record(portfolio: Portfolio) -> dict[str, Any]:
    """The portfolio as JSON-ready data. Holds every revision, answered or blank."""
    return {
        "format": FORMAT_NAME,
        "schema_version": portfolio.schema_version,
        "learner": portfolio.learner,
        "course": portfolio.course_title,
        "exported_at": portfolio.exported_at.isoformat(),
        "answers": [
            _answer(module, session, exercise)
            for module, session, exercise in portfolio.entries()
            if exercise.revisions
        ],
        # Ideas added to a group's board (a class only; absent if none), answered or not.
        **({"board_ideas": ideas} if (ideas := _ideas(portfolio)) else {}),
    }


def _ideas(portfolio: Portfolio) -> list[dict[str, Any]]:
    return [
        {
            "session": session.id,
            "exercise": exercise.id,
            "text": idea.text,
            "named": idea.named,
            "added_at": idea.added_at.isoformat(),
            "state": "withdrawn" if idea.withdrawn else "hidden" if idea.hidden else "shown",
            "reason": idea.reason,
        }
        for _, session, exercise in portfolio.entries()
        for idea in exercise.ideas
    ]


def _answer(
    module: ModuleEntry | None, session: SessionEntry, exercise: ExerciseEntry
) -> dict[str, Any]:
    current: Revision = exercise.revisions[-1]
    return {
        "module": module.id if module else None,
        "session": session.id,
        "session_heading": session.heading,
        "exercise": exercise.id,
        "in_course": module is not None,
        "type": exercise.method or None,
        "prompt": exercise.prompt,
        "labels": exercise.labels,
        "current": current.value,
        "saved_at": current.saved_at.isoformat(),
        # Who may see it (a class only; absent outside one): the choice, when it was made,
        # and the one group a choice of "my group" is for (null: none named).
        **(
            {
                "sharing": {
                    "audience": exercise.audience,
                    "changed_at": exercise.audience_changed_at.isoformat()
                    if exercise.audience_changed_at
                    else None,
                    "group": exercise.audience_group or None,
                }
            }
            if exercise.audience
            else {}
        ),
        "revisions": [
            {"id": r.id, "saved_at": r.saved_at.isoformat(), "value": r.value}
            for r in exercise.revisions
        ],
        # Work submitted to the facilitator (a class only; absent if never), with feedback.
        **(
            {
                "submissions": [
                    {
                        "submitted_at": s.submitted_at.isoformat(),
                        "revision": s.revision,
                        "value": s.value,
                        "feedback": [
                            {"author": f.author, "given_at": f.given_at.isoformat(), "text": f.text}
                            for f in s.feedback
                        ],
                    }
                    for s in exercise.submissions
                ]
            }
            if exercise.submissions
            else {}
        ),
    }


def render_json(portfolio: Portfolio) -> bytes:
    """UTF-8 JSON, indented for people who open it in an editor."""
    text = json.dumps(portfolio_record(portfolio), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8", "backslashreplace")  # a stray surrogate stays JSON
