"""The facilitator's page of work submitted to them in one session, with feedback.

``board/S/submitted`` lists what the learners of the facilitator's groups
submitted (each as they submitted it) with the feedback so far, and a form under
each to write more. The form posts back to the same address (JupyterHub's XSRF
token in the form) and the page is drawn again, so it works without script. With
script the list is kept live: the page listens to the session board's event stream
(``board/S/events``: ``submitted`` when work is submitted, feedback given or a learner
erases theirs) and merges ``board/S/submitted/fragment`` in, leaving any feedback
form being written in as it is (static/board.js).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tornado.web import HTTPError

from peerkit.errors import StoreError
from peerkit.hub.board_view import BoardSubmission, session_heading, submitted_work
from peerkit.hub.boards import SUBMITTED, TEMPLATE, BoardHandler, PlainTextErrors, Sight
from peerkit.pages.templating import macros
from peerkit.store.submission import FeedbackRejected, NoSuchSubmission

log = logging.getLogger("peerkit.hub.submitted_work")


class Submitted(BoardHandler):
    """Base of the submitted work's pages: what the viewer's learners submitted."""

    async def items(self, session: str) -> list[BoardSubmission]:
        seen = await self.sight()
        work = await self.submitted(seen, session)
        return list(submitted_work(self.boards.course, session, work, self.boards.root))


class SubmittedWork(Submitted):
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
        await self.tell_others(seen, session, submission)
        self.redirect(
            f"{self.board_url(session, 'submitted')}?sent={submission}#submission-{submission}",
            status=303,
        )

    async def tell_others(self, seen: Sight, session: str, submission: int) -> None:
        """The other facilitators' open pages of this work: there is new feedback."""
        try:
            work = await self.submitted(seen, session)
        except HTTPError:
            return  # given; a page that misses this hears of the next change
        for item in work:
            if item.id == submission:
                self.boards.changes.notify(item.learner, session, SUBMITTED)

    async def show(
        self, session: str, *, sent: int | None = None, problem: dict[str, Any] | None = None
    ) -> None:
        session = self.session_id(session)
        items = await self.items(session)
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
            self.board_url(session, "submitted", "fragment"),
            self.board_url(session, "events"),
        )
        self.page(f"Work submitted to you: {heading}", body)


class SubmittedFragment(PlainTextErrors, Submitted):
    """The live part of the submitted-work page, for the page to merge in."""

    async def get(self, session: str) -> None:
        items = await self.items(self.session_id(session))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        action = self.board_url(session, "submitted")
        self.finish(str(macros(TEMPLATE).submitted_list(items, action, self.xsrf, None, None)))
