"""The facilitator's page for recording each of their groups' agreements.

``board/S/agreement``, for the first session of each module (``AGREEMENT_EXERCISES``):
for each group the facilitator is in, what its learners shared of that session's
agreement exercise, and a form holding the agreement as recorded so far. Saving
records a new version (every one is kept); every session page of the module then
shows it to the group's learners (peerkit/pages/agreement.py). The form posts back
to the same address with JupyterHub's XSRF token, so it works without script.

With script the page listens to the session board's event stream (``agreement``
when a facilitator of one of the viewer's groups saves its agreement) and reads
``board/S/agreement/current``, each group's agreement as saved now. A box nobody
has typed in takes the new words; one being written in is never overwritten: the
page says the agreement changed elsewhere, shows the new version beside the box,
and leaves the choice to the facilitator (static/board.js).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tornado.web import HTTPError

from peerkit.course.answer_ids import AGREEMENT_EXERCISES
from peerkit.errors import StoreError
from peerkit.hub.board_view import board_session, saved_text, session_heading
from peerkit.hub.boards import AGREEMENT, TEMPLATE, BoardHandler, PlainTextErrors
from peerkit.hub.groups import Cohorts
from peerkit.pages.templating import macros
from peerkit.store.agreement import Agreement, AgreementRejected
from peerkit.store.consent import FOR_FACILITATOR

log = logging.getLogger("peerkit.hub.agreement_page")


class Agreements(BoardHandler):
    """Base of the agreement's pages: a facilitator's groups, and their agreements."""

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

    async def current(self, session: str) -> tuple[str, Cohorts, list[Agreement]]:
        """The viewer, the groups, and each of the viewer's groups' agreement for the
        session's module."""
        module = self.module_of(session)
        viewer, cohorts = await self.facilitated()
        names = cohorts.cohorts_of(viewer)
        try:
            found = await asyncio.to_thread(self.boards.store.agreements, viewer, names, module)
        except StoreError:
            log.warning("reading the agreements failed")
            raise HTTPError(503) from None
        return viewer, cohorts, found


class AgreementPage(Agreements):
    """GET: each group's agreement and what fed it; POST: a new version for one group."""

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
        self.boards.changes.notify(cohort, session, AGREEMENT)  # the other facilitators
        there = self.board_url(session, "agreement")
        self.redirect(
            f"{there}?saved=1#group-{cohorts.cohorts_of(viewer).index(cohort)}", status=303
        )

    async def show(
        self, session: str, *, saved: str = "", problem: dict[str, Any] | None = None
    ) -> None:
        viewer, cohorts, current = await self.current(session)
        names = cohorts.cohorts_of(viewer)
        store = self.boards.store
        course = self.boards.course
        exercise = AGREEMENT_EXERCISES[session]
        groups = []
        try:
            for index, name in enumerate(names):
                learners = cohorts.learners_of(viewer, name)
                shared = await asyncio.to_thread(
                    store.shared_answers, viewer, learners, FOR_FACILITATOR, session,
                    groups=[name], unnamed_group=cohorts.alone_in(learners, [name]),
                )  # fmt: skip
                shared = [a for a in shared if a.exercise == exercise]
                board = board_session(course, session, shared, self.boards.root)
                answers = next((e.answers for e in board.exercises if e.id == exercise), ())
                groups.append({**agreed(index, name, current), "answers": answers})
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
            self.board_url(session, "agreement", "current"),
            self.board_url(session, "events"),
        )
        self.page(f"Group agreement: {session_heading(course, info)}", body)


class AgreementNow(PlainTextErrors, Agreements):
    """Each of the viewer's groups' agreements as saved now, for the page to compare."""

    async def get(self, session: str) -> None:
        viewer, cohorts, current = await self.current(session)
        names = cohorts.cohorts_of(viewer)
        groups = [agreed(index, name, current) for index, name in enumerate(names)]
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(str(macros(TEMPLATE).agreements_now(groups)))


def agreed(index: int, name: str, current: list[Agreement]) -> dict[str, Any]:
    """One group's agreement as its page draws it (the version: the row's id, 0 for none)."""
    found = next((a for a in current if a.cohort == name), None)
    return {
        "index": index,
        "name": name,
        "text": found.text if found else "",
        "recorded": f"{found.author}, {saved_text(found.agreed_at)}" if found else "",
        "version": found.id if found else 0,
    }
