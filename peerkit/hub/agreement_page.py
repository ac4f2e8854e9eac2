"""The facilitator's page for recording each of their groups' agreements.

``board/S/agreement``, for the first session of each module (``AGREEMENT_EXERCISES``):
for each group the facilitator is in, what its learners shared of that session's
agreement exercise, and a form holding the agreement as recorded so far. Saving
records a new version (every one is kept); every session page of the module then
shows it to the group's learners (peerkit/pages/agreement.py). The form posts back
to the same address with JupyterHub's XSRF token, so it works without script.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tornado.web import HTTPError

from peerkit.course.answer_ids import AGREEMENT_EXERCISES
from peerkit.errors import StoreError
from peerkit.hub.board_view import board_session, saved_text, session_heading
from peerkit.hub.boards import TEMPLATE, BoardHandler
from peerkit.hub.groups import Cohorts
from peerkit.pages.templating import macros
from peerkit.store.agreement import AgreementRejected
from peerkit.store.consent import FOR_FACILITATOR

log = logging.getLogger("peerkit.hub.agreement_page")


class AgreementPage(BoardHandler):
    """GET: each group's agreement and what fed it; POST: a new version for one group."""

    async def facilitated(self) -> tuple[str, Cohorts]:
        viewer, cohorts = await self.cohorts()
        if not cohorts.is_facilitator(viewer):
            raise HTTPError(403)
        return viewer, cohorts

    def module_of(self, session: str) -> str:
        session = self.session_id(session)
        if session not in AGREEMENT_EXERCISES:
            raise HTTPError(404)
        return self.boards.course.sessions_by_id[session].module_id

    async def get(self, session: str) -> None:
        if self.viewer is None:
            self.redirect(self.get_login_url())
            return
        saved = self.get_query_argument("saved", "")
        await self.show(session, saved=saved)

    async def post(self, session: str) -> None:
        module = self.module_of(session)
        viewer, cohorts = await self.facilitated()
        cohort = self.get_body_argument("cohort", "")
        text = self.get_body_argument("agreement", "")
        if cohort not in cohorts.cohorts_of(viewer):
            raise HTTPError(403)
        store = self.boards.store
        try:
            await asyncio.to_thread(store.set_agreement, viewer, cohort, module, text)
        except AgreementRejected as exc:
            self.set_status(422)
            problem = {"cohort": cohort, "message": str(exc), "text": text}
            await self.show(session, problem=problem)
            return
        except StoreError:
            log.warning("saving an agreement failed")
            raise HTTPError(503) from None
        there = self.board_url(session, "agreement")
        self.redirect(
            f"{there}?saved=1#group-{cohorts.cohorts_of(viewer).index(cohort)}", status=303
        )

    async def show(
        self, session: str, *, saved: str = "", problem: dict[str, Any] | None = None
    ) -> None:
        module = self.module_of(session)
        viewer, cohorts = await self.facilitated()
        store = self.boards.store
        course = self.boards.course
        exercise = AGREEMENT_EXERCISES[session]
        names = cohorts.cohorts_of(viewer)
        try:
            current = await asyncio.to_thread(store.agreements, viewer, names, module)
            groups = []
            for index, name in enumerate(names):
                learners = cohorts.learners_of(viewer, name)
                shared = await asyncio.to_thread(
                    store.shared_answers, viewer, learners, FOR_FACILITATOR, session,
                    groups=[name], unnamed_group=cohorts.alone_in(learners, [name]),
                )  # fmt: skip
                shared = [a for a in shared if a.exercise == exercise]
                board = board_session(course, session, shared, self.boards.root)
                agreed = next((a for a in current if a.cohort == name), None)
                groups.append(
                    {
                        "index": index,
                        "name": name,
                        "answers": next(
                            (e.answers for e in board.exercises if e.id == exercise), ()
                        ),
                        "text": agreed.text if agreed else "",
                        "recorded": f"{agreed.author}, {saved_text(agreed.agreed_at)}"
                        if agreed
                        else "",
                    }
                )
        except StoreError:
            log.warning("reading the agreements failed")
            raise HTTPError(503) from None
        info = course.sessions_by_id[session]
        body = macros(TEMPLATE).agreement_body(
            session_heading(course, info),
            groups,
            self.board_url(session),
            self.board_url(session, "agreement"),
            self.xsrf,
            bool(saved),
            problem,
        )
        self.page(f"Group agreement: {session_heading(course, info)}", body)
