"""The facilitator's page of work submitted to them in one session, with feedback.

``board/S/submitted`` lists what the learners of the facilitator's groups
submitted (each as they submitted it) with the feedback so far, and a form under
each to write more. The form posts back to the same address (JupyterHub's XSRF
token in the form) and the page is drawn again, so it works without script.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tornado.web import HTTPError

from peerkit.errors import StoreError
from peerkit.hub.board_view import session_heading, submitted_work
from peerkit.hub.boards import TEMPLATE, BoardHandler
from peerkit.pages.templating import macros
from peerkit.store.submission import FeedbackRejected, NoSuchSubmission

log = logging.getLogger("peerkit.hub.submitted_work")


class SubmittedWork(BoardHandler):
    """GET: the session's submitted work; POST: feedback on one piece of it."""

    async def get(self, session: str) -> None:
        if self.viewer is None:
            self.redirect(self.get_login_url())
            return
        sent = self.get_query_argument("sent", "")
        await self.show(session, sent=int(sent) if sent.isdigit() else None)

    async def post(self, session: str) -> None:
        session = self.session_id(session)
        seen = await self.sight()
        raw = self.get_body_argument("submission", "")
        text = self.get_body_argument("feedback", "")
        if not raw.isdigit():
            raise HTTPError(400)
        submission = int(raw)
        store = self.boards.store
        try:
            await asyncio.to_thread(
                store.give_feedback, seen.viewer, seen.learners, submission, text
            )
        except FeedbackRejected as exc:
            # Drawn again with the facilitator's words kept in the box, and why.
            problem = {"submission": submission, "message": str(exc), "text": text}
            self.set_status(422)
            await self.show(session, problem=problem)
            return
        except NoSuchSubmission:
            raise HTTPError(403) from None
        except StoreError:
            log.warning("saving feedback failed")
            raise HTTPError(503) from None
        self.redirect(
            f"{self.board_url(session, 'submitted')}?sent={submission}#submission-{submission}",
            status=303,
        )

    async def show(
        self, session: str, *, sent: int | None = None, problem: dict[str, Any] | None = None
    ) -> None:
        session = self.session_id(session)
        seen = await self.sight()
        items = submitted_work(
            self.boards.course, session, await self.submitted(seen, session), self.boards.root
        )
        course = self.boards.course
        heading = session_heading(course, course.sessions_by_id[session])
        body = macros(TEMPLATE).submitted_body(
            heading,
            items,
            self.board_url(session),
            self.board_url(session, "submitted"),
            self.xsrf,
            sent,
            problem,
        )
        self.page(f"Work submitted to you: {heading}", body)
