"""The group boards' ideas, over the service's API (token-authenticated, like answers).

==========  ==============================  =========================================
method      path (under ``api.PREFIX``)     what
==========  ==============================  =========================================
GET         ``ideas/S/E?group=G``           ``{"ideas": [...], "facilitating": bool,
                                            "group"}``
POST        ``ideas/S/E``                   body ``{"text", "named", "key", "group"}``;
                                            ``{"id", "group"}``
DELETE      ``ideas/S/E/ID``                withdraw one's own idea
POST        ``ideas/S/E/ID/hide``           a facilitator, body ``{"reason"}`` (404 for
                                            an idea its contributor withdrew)
GET         ``ideas/S/E/events?group=G``    server-sent ``changed`` events
GET         ``ideas``                       every idea the asker added: ``{"ideas"}``
==========  ==============================  =========================================

``S/E`` is an exercise whose page offers a group board (``group_board=True``); each
of the asker's groups has its own board there. ``group`` names which: it may be left
out by someone in one group only, and is refused (400) when they are in several, or
(403) when they are not in it; a board is never shown merged with another group's,
and an idea goes to the one group named. The asker is the token's owner, never
anyone the request names. An idea is reached only at its own board's address: ``ID``
of another board is 404, as an unknown idea is, and changes nothing. Each person sees
ideas without a name unless their contributor gave it; a hidden idea only to its
contributor (with the reason) and to the group's facilitators.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tornado.iostream import StreamClosedError
from tornado.web import HTTPError

from peerkit.hub.groups import Cohorts, GroupsUnavailable
from peerkit.hub.service import ApiHandler
from peerkit.store.ideas import Idea, IdeaRejected, NoSuchIdea

#: A comment line this often keeps an idle event stream open.
HEARTBEAT_SECONDS = 15.0


def idea_json(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.id,
        "text": idea.text,
        "who": idea.learner,
        "named": idea.named,
        "mine": idea.mine,
        "hidden": idea.hidden,
        "reason": idea.reason,
        "added_at": idea.added_at.isoformat(),
        "session": idea.session,
        "board": idea.board,
        "withdrawn": idea.withdrawn,
    }


#: What a person in several groups is told when they do not say which group's board.
CHOOSE_GROUP = "You are in more than one group: say which group's board (group)."
NOT_YOUR_GROUP = "You are not in that group, so its board is not yours to see or add to."
NO_GROUP = "You are not in a group yet, so there is no board to add to."


class Refusal(HTTPError):
    """A refusal saying what to do instead, in peerkit's words (never the request's)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status)
        self.message = message


class IdeaHandler(ApiHandler):
    """Base of the ideas' endpoints: the board asked for, and the asker's groups."""

    def board(self, session: str, exercise: str) -> tuple[str, str]:
        if (session, exercise) not in self.parts.boards:
            raise HTTPError(404)
        return session, exercise

    async def cohorts(self) -> Cohorts:
        try:
            return await self.parts.groups.cohorts(self.learner)
        except GroupsUnavailable:
            raise HTTPError(503) from None

    def refused(self, status: int, message: str) -> None:
        self.set_status(status)
        self.finish({"error": message, "idea": True})

    def chosen(self, cohorts: Cohorts, named: object) -> str | None:
        """The one group whose board the asker means: ``named`` (None: not said), or
        their only group; None when they are in none. Raises Refusal otherwise."""
        theirs = cohorts.cohorts_of(self.learner)
        if named is None or named == "":
            if len(theirs) > 1:
                raise Refusal(400, CHOOSE_GROUP)
            return theirs[0] if theirs else None
        if not isinstance(named, str):
            raise Refusal(400, CHOOSE_GROUP)
        if named not in theirs:  # the same for a group that does not exist
            raise Refusal(403, NOT_YOUR_GROUP)
        return named

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, Refusal):
            self.finish({"error": exc.message, "idea": True})
            return
        super().write_error(status_code, **kwargs)


class Ideas(IdeaHandler):
    async def get(self, session: str, exercise: str) -> None:
        viewer = self.learner
        self.board(session, exercise)
        cohorts = await self.cohorts()
        group = self.chosen(cohorts, self.get_query_argument("group", None))
        facilitating = cohorts.is_facilitator(viewer)
        found = [] if group is None else await self.run(
            self.store.ideas, viewer, [group], session, exercise, facilitating=facilitating,
        )  # fmt: skip
        self.finish(
            {
                "ideas": [idea_json(i) for i in found],
                "facilitating": facilitating,
                "group": group,
            }
        )

    async def post(self, session: str, exercise: str) -> None:
        learner = self.learner  # the token's owner: a name in the body is never used
        self.board(session, exercise)
        data = self.body()
        key = data.get("key")
        if not isinstance(key, str) or not key or len(key) > 64:
            raise HTTPError(400)
        group = self.chosen(await self.cohorts(), data.get("group"))
        if group is None:
            self.refused(409, NO_GROUP)
            return
        try:
            idea = await self.run(
                self.store.add_idea, learner, group, session, exercise, data.get("text"),
                named=data.get("named") is True, key=key,
            )  # fmt: skip
        except IdeaRejected as exc:
            self.refused(422, str(exc))
            return
        self.parts.idea_changes.notify(group, f"{session}/{exercise}")
        self.finish({"id": idea, "group": group})


class OwnIdeas(IdeaHandler):
    """Every idea the asker added, withdrawn ones too: their portfolio's."""

    async def get(self) -> None:
        found = await self.run(self.store.own_ideas, self.learner)
        self.finish({"ideas": [idea_json(i) for i in found]})


class WithdrawIdea(IdeaHandler):
    async def delete(self, session: str, exercise: str, idea: str) -> None:
        learner = self.learner
        self.board(session, exercise)
        try:
            _, cohort, *where = await self.run(
                self.store.withdraw_idea, learner, session, exercise, int(idea)
            )
        except NoSuchIdea:  # another's, or on another board: as if there were none
            raise HTTPError(404) from None
        self.parts.idea_changes.notify(cohort, "/".join(where))  # the idea's own board
        self.finish({"withdrawn": int(idea)})


class HideIdea(IdeaHandler):
    async def post(self, session: str, exercise: str, idea: str) -> None:
        viewer = self.learner
        self.board(session, exercise)
        cohorts = await self.cohorts()
        if not cohorts.is_facilitator(viewer):
            raise HTTPError(403)
        data = self.body()
        try:
            _, cohort, *where = await self.run(
                self.store.hide_idea, viewer, cohorts.cohorts_of(viewer), session, exercise,
                int(idea), data.get("reason"),
            )  # fmt: skip
        except IdeaRejected as exc:
            self.refused(422, str(exc))
            return
        except NoSuchIdea:  # another group's, or on another board: as if there were none
            raise HTTPError(404) from None
        self.parts.idea_changes.notify(cohort, "/".join(where))  # the idea's own board
        self.finish({"hidden": int(idea)})


class IdeaEvents(IdeaHandler):
    """``changed`` whenever an idea on the chosen group's board changes."""

    closed = False

    def on_connection_close(self) -> None:
        self.closed = True

    async def get(self, session: str, exercise: str) -> None:
        viewer = self.learner
        where = "/".join(self.board(session, exercise))
        group = self.chosen(await self.cohorts(), self.get_query_argument("group", None))
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("X-Accel-Buffering", "no")
        with self.parts.idea_changes.listen() as queue:
            try:
                self.write("retry: 2000\n\n")
                await self.flush()
                while not self.closed:
                    try:
                        cohort, changed, _ = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        self.write(": still here\n\n")
                    else:
                        if changed != where or cohort != group:
                            continue
                        if cohort not in (await self.cohorts()).cohorts_of(viewer):
                            continue  # left the group since
                        self.write("event: changed\ndata: {}\n\n")
                    await self.flush()
            except (StreamClosedError, HTTPError):
                return


def idea_routes(prefix: str, one: str, args: dict[str, Any]) -> list[Any]:
    idea = r"(?P<idea>[0-9]{1,18})"
    return [
        (prefix + "ideas", OwnIdeas, args),
        (prefix + f"ideas/{one}", Ideas, args),
        (prefix + f"ideas/{one}/events", IdeaEvents, args),
        (prefix + f"ideas/{one}/{idea}", WithdrawIdea, args),
        (prefix + f"ideas/{one}/{idea}/hide", HideIdea, args),
    ]
