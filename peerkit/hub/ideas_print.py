"""The print view of one group's ideas board, for its facilitators.

``board/S/ideas/E?group=G``: the ideas on group G's board of exercise E in session
S, as a page made for printing (its own print stylesheet; the page's "Print" button
with script). For facilitators of G only: anyone else is refused as on the other
facilitator pages, a board that is not one of the course's is 404. A facilitator
of one group may leave ``group`` out; one of several chooses.

What a printed sheet holds leaves the screen: it may be pinned up or handed round
the room. So a hidden idea is left out (only the number left out is said), and an
idea carries its contributor's name only where they chose to give it. Every text
is drawn by the template engine (escaped).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from urllib.parse import urlencode

from tornado.web import HTTPError

from peerkit.errors import StoreError
from peerkit.hub.board_view import NO_NAME, board_session, saved_text, session_heading
from peerkit.hub.boards import TEMPLATE, BoardHandler
from peerkit.pages.templating import macros

log = logging.getLogger("peerkit.hub.ideas_print")


def print_url(prefix: str, session: str, exercise: str, group: str) -> str:
    """The print view's address of ``group``'s board."""
    return f"{prefix}board/{session}/ideas/{exercise}?{urlencode({'group': group})}"


class IdeasPrint(BoardHandler):
    """GET: one group's ideas board of one exercise, for printing."""

    async def get(self, session: str, exercise: str) -> None:
        if self.viewer is None:
            self.redirect(self.get_login_url())
            return
        session = self.session_id(session)
        if (session, exercise) not in self.boards.idea_boards:
            raise HTTPError(404)
        viewer, cohorts = await self.cohorts()
        if not cohorts.is_facilitator(viewer):
            raise HTTPError(403)
        theirs = cohorts.cohorts_of(viewer)
        group = self.get_query_argument("group", "")
        if not group and not theirs:
            message = "You are not facilitating a group yet, so there is no board to print."
            self.page("No group yet", macros(TEMPLATE).refused(message, self.board_url()))
            return
        if not group and len(theirs) == 1:
            group = theirs[0]
        elif not group:  # never a guess: they choose
            p = self.boards.prefix
            links = [(name, print_url(p, session, exercise, name)) for name in theirs]
            self.page("Which group's ideas?", macros(TEMPLATE).choose_body(links))
            return
        elif group not in theirs:  # the same for a group that does not exist
            raise HTTPError(403)
        try:
            found = await asyncio.to_thread(
                self.boards.store.ideas, viewer, [group], session, exercise, facilitating=True
            )
        except StoreError:
            log.warning("reading an ideas board failed")
            raise HTTPError(503) from None
        shown = [
            {
                "text": idea.text,
                "who": idea.learner if idea.named and idea.learner else NO_NAME,
                "named": bool(idea.named and idea.learner),
            }
            for idea in found
            if not idea.hidden
        ]
        course = self.boards.course
        board = board_session(course, session, [], self.boards.root)
        title = next((e.title for e in board.exercises if e.id == exercise), exercise)
        heading = session_heading(course, course.sessions_by_id[session])
        body = macros(TEMPLATE).ideas_print_body(
            title,
            heading,
            group,
            shown,
            len(found) - len(shown),
            saved_text(datetime.now(UTC)),
            self.board_url(session),
        )
        self.page(f"Ideas board: {title}", body)
