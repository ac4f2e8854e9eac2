"""The answer store: saves every revision of every learner's answers.

Takes any SQLAlchemy URL (SQLite by default, PostgreSQL in a class, where only the
peerkit hub service opens it: peerkit/hub/service.py). Used as a context manager
or closed with ``close()``. Failures raise ``StoreError``
with a message that never holds learner text (the engine hides parameters).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from peerkit import paths
from peerkit.errors import StoreError
from peerkit.store import idea_rows
from peerkit.store.agreement import Agreement, checked_agreement
from peerkit.store.answers import decode, encode, is_answered, normalise
from peerkit.store.consent import (
    FACILITATOR,
    FOR_GROUP,
    NAMED,
    Consent,
    SharedAnswer,
    checked,
)
from peerkit.store.ideas import (
    HIDDEN,
    MAX_IDEA_CHARS,
    MAX_REASON_CHARS,
    WITHDRAWN,
    Idea,
    checked_text,
)
from peerkit.store.migrations import ensure_schema
from peerkit.store.postgres import (
    AUDIENCES_OPTION,
    COHORTS_OPTION,
    LEARNER_OPTION,
    VISIBLE_OPTION,
    install_learner_scope,
    secure_tables,
)
from peerkit.store.revision import Revision
from peerkit.store.rows import aware, inserted_id
from peerkit.store.schema import answer_consent as consents
from peerkit.store.schema import answer_revisions as revisions
from peerkit.store.schema import answer_submissions as submitted
from peerkit.store.schema import draft_keys
from peerkit.store.schema import group_agreements as agreements
from peerkit.store.schema import submission_feedback as feedback_rows
from peerkit.store.sqlite import (
    BRIEF_BUSY_TIMEOUT_MS,
    BUSY_OPTION,
    BUSY_TIMEOUT_MS,
    WRITE_OPTION,
    install_pragmas,
    prepare_file,
)
from peerkit.store.submission import (
    Feedback,
    NoSuchSubmission,
    NothingToSubmit,
    Submission,
    checked_feedback,
)

__all__ = ["AnswerStore", "Revision"]


SERVER = "your course's database server"
IN_MEMORY = "a temporary in-memory database (gone when the course closes)"


class AnswerStore:
    """Every learner's answers, with their full revision history."""

    def __init__(self, url: str | None = None, *, admin_url: str | None = None) -> None:
        """Open (and create or upgrade) the database at ``url``.

        On PostgreSQL, ``admin_url`` is the tables' owner, used once here to create,
        upgrade and secure them (peerkit/store/postgres.py); ``url`` is then a role
        that does not own them. Without it, ``url`` owns the tables.
        """
        self._draft_secrets: dict[str, str] = {}
        url = url or paths.database_url()
        try:
            parsed = make_url(url)
        except SQLAlchemyError as exc:
            raise StoreError(f"{paths.DATABASE_URL_ENV} is not a database URL.") from exc
        options: dict[str, Any] = {"hide_parameters": True}
        if parsed.get_backend_name() != "sqlite":
            # A server restarted under a long-running service: reconnect, don't fail once.
            options["pool_pre_ping"] = True
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = None
        if self.is_sqlite:
            database = parsed.database or ""
            if database in ("", ":memory:"):
                options["poolclass"] = StaticPool
                options["connect_args"] = {"check_same_thread": False}
            else:
                self.path = Path(database).expanduser()
                try:
                    prepare_file(self.path)
                except OSError as exc:
                    raise StoreError(
                        f"Could not create the answers database in {self.path.parent}."
                    ) from exc
        try:
            self.engine = create_engine(parsed, **options)
        except (SQLAlchemyError, ImportError) as exc:
            raise StoreError("Could not open the answers database.") from exc
        self.is_postgres = parsed.get_backend_name() == "postgresql"
        if self.is_sqlite:
            install_pragmas(self.engine)
        if self.is_postgres:
            install_learner_scope(self.engine)
        # Engine-wide, so every connection inherits it (the erase module's too).
        self.engine.update_execution_options(**{BUSY_OPTION: BUSY_TIMEOUT_MS})
        if self.is_postgres and admin_url:
            self._prepare_as_owner(admin_url, app_role=parsed.username)
        with self._write() as conn:
            ensure_schema(conn)
            if self.is_postgres and not admin_url:
                secure_tables(conn, app_role=None)

    def _prepare_as_owner(self, admin_url: str, app_role: str | None) -> None:
        """Create, upgrade and secure the tables as their owner, then let go of it."""
        try:
            admin: Engine = create_engine(admin_url, hide_parameters=True)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError("Could not open the answers database as its owner.") from exc
        try:
            with admin.begin() as conn:
                ensure_schema(conn)
                secure_tables(conn, app_role=app_role)
        except SQLAlchemyError as exc:
            raise StoreError("Could not prepare the answers database.") from exc
        finally:
            admin.dispose()

    def __enter__(self) -> AnswerStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def wait_briefly(self, timeout_ms: int = BRIEF_BUSY_TIMEOUT_MS) -> None:
        """From now on, give up on a locked SQLite database after ``timeout_ms``.

        For the last save as the kernel shuts down, which must end (saved or with a
        StoreError) before the kernel is killed, rather than wait the usual 10 s for
        another page's write. Applies to every later transaction of this store,
        erasing included; no effect on other databases than SQLite.
        """
        self.engine.update_execution_options(**{BUSY_OPTION: max(0, int(timeout_ms))})

    @property
    def busy_timeout_ms(self) -> int:
        """How long each SQLite transaction waits for another connection's lock."""
        return int(self.engine.get_execution_options().get(BUSY_OPTION, BUSY_TIMEOUT_MS))

    @contextmanager
    def _write(self, learner: str | None = None, **shared: Any) -> Iterator[Connection]:
        """One write transaction, acting for ``learner`` (PostgreSQL's row security)."""
        try:
            options: dict[str, Any] = {WRITE_OPTION: True, LEARNER_OPTION: learner, **shared}
            with self.engine.connect().execution_options(**options) as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError("Could not write to the answers database.") from exc

    @contextmanager
    def _read(self, learner: str, **shared: Any) -> Iterator[Connection]:
        """One read transaction, acting for ``learner`` (and what a board may see)."""
        try:
            conn = self.engine.connect().execution_options(**{LEARNER_OPTION: learner, **shared})
            with conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError("Could not read the answers database.") from exc

    def save(self, learner: str, session: str, exercise: str, value: Any) -> Revision:
        """Save a new revision; an unchanged value returns the current revision.

        Raises AnswerRejected for a value that is too long or of the wrong shape.
        """
        return self.save_over(learner, session, exercise, value, base=None)[0]

    def save_over(
        self, learner: str, session: str, exercise: str, value: Any, *, base: int | None
    ) -> tuple[Revision, Revision | None]:
        """Save ``value`` as the answer that followed revision ``base`` (0: no answer yet).

        Returns the current revision and, when another page had saved a different
        answer since ``base``, that answer (it stays in the history: nothing is
        lost). With ``base=None`` nothing is compared.
        """
        cleaned = normalise(value)
        raw = encode(cleaned)
        with self._write(learner) as conn:
            current = conn.execute(_newest(learner, session, exercise)).first()
            if current is not None and current.value == raw:
                return _revision(current), None
            replaced = None
            if base is not None and current is not None and current.id != base:
                replaced = _revision(current)
            saved_at = datetime.now(UTC)
            result = conn.execute(
                revisions.insert().values(
                    learner=learner,
                    session=session,
                    exercise=exercise,
                    value=raw,
                    saved_at=saved_at,
                )
            )
            new_id = inserted_id(result)
        return Revision(new_id, learner, session, exercise, cleaned, saved_at), replaced

    def draft_secret(self, learner: str) -> str:
        """The learner's key for sealing browser drafts (base64, 32 bytes), made once.

        ``erase_learner`` deletes it, so drafts sealed before an erase stay unreadable.
        """
        known = self._draft_secrets.get(learner)
        if known is not None:
            return known
        with self._write(learner) as conn:
            row = conn.execute(
                select(draft_keys.c.secret).where(draft_keys.c.learner == learner)
            ).first()
            if row is not None:
                secret = str(row.secret)
            else:
                secret = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
                conn.execute(draft_keys.insert().values(learner=learner, secret=secret))
        # Once per learner and store, not once per exercise as a page opens.
        self._draft_secrets[learner] = secret
        return secret

    def latest(self, learner: str, session: str, exercise: str) -> Revision | None:
        """The current answer to one exercise, or None."""
        with self._read(learner) as conn:
            row = conn.execute(_newest(learner, session, exercise)).first()
        return None if row is None else _revision(row)

    def history(self, learner: str, session: str, exercise: str) -> list[Revision]:
        """Every revision of one answer, oldest first."""
        with self._read(learner) as conn:
            rows = conn.execute(
                select(revisions)
                .where(*_one_answer(learner, session, exercise))
                .order_by(revisions.c.id)
            ).all()
        return [_revision(row) for row in rows]

    def all_revisions(self, learner: str) -> list[Revision]:
        """Every revision of every answer of ``learner``, in one query.

        Ordered by session, then exercise, then id (so each answer's revisions are
        together, oldest first).
        """
        with self._read(learner) as conn:
            rows = conn.execute(
                select(revisions)
                .where(revisions.c.learner == learner)
                .order_by(revisions.c.session, revisions.c.exercise, revisions.c.id)
            ).all()
        return [_revision(row) for row in rows]

    def count_revisions(self, learner: str) -> int:
        """How many saved revisions the learner has (what ``erase_learner`` removes)."""
        from peerkit.store import erase

        return erase.count_revisions(self.engine, learner)

    def erase_learner(self, learner: str) -> int:
        """Delete every revision of ``learner`` for good; return how many.

        Raises StoreError when nothing could be erased, and ``erase.ScrubIncomplete``
        when the rows are gone but SQLite may still hold a copy in its files.
        """
        from peerkit.store import erase

        self._draft_secrets.pop(learner, None)
        return erase.erase_learner(self.engine, learner, sqlite=self.is_sqlite)

    @property
    def in_file(self) -> bool:
        """True when the answers are in a file on this computer (a path to show)."""
        return self.is_sqlite and self.path is not None

    @property
    def sharing(self) -> bool:
        """False: outside a class there is no group to share with (the service's store is)."""
        return False

    @property
    def location(self) -> str:
        """Where the answers are kept, in plain words: a file's path, or the server."""
        if not self.is_sqlite:
            return SERVER
        return IN_MEMORY if self.path is None else str(self.path)

    def current_answers(self, learner: str, session: str | None = None) -> list[Revision]:
        """The current revision of each of a learner's answers (optionally one session)."""
        newest = select(func.max(revisions.c.id)).where(revisions.c.learner == learner)
        if session is not None:
            newest = newest.where(revisions.c.session == session)
        newest = newest.group_by(revisions.c.session, revisions.c.exercise)
        with self._read(learner) as conn:
            rows = conn.execute(
                select(revisions).where(revisions.c.id.in_(newest)).order_by(revisions.c.id)
            ).all()
        return [_revision(row) for row in rows]

    # --- who may see each answer ------------------------------------------------
    def set_consent(
        self, learner: str, session: str, exercise: str, audience: str, group: str | None = None
    ) -> Consent:
        """Record the learner's choice of who may see one answer (a new row, kept).

        ``group`` is the one group a choice of "my group" is for (the caller has
        checked the learner is in it); it is kept only with those choices. An
        unchanged choice returns the current one. Raises UnknownAudience for a
        choice that is not offered.
        """
        audience = checked(audience)
        group = str(group) if group and audience in FOR_GROUP else None
        with self._write(learner) as conn:
            current = conn.execute(_newest(learner, session, exercise, consents)).first()
            if current is not None and (current.audience, current.cohort) == (audience, group):
                return _consent(current)
            if current is None and audience == "private":
                # Private is the default: record it only once something else was chosen.
                return Consent(0, learner, session, exercise, audience, datetime.now(UTC))
            changed_at = datetime.now(UTC)
            result = conn.execute(
                consents.insert().values(
                    learner=learner,
                    session=session,
                    exercise=exercise,
                    audience=audience,
                    changed_at=changed_at,
                    cohort=group,
                )
            )
            new_id = inserted_id(result)
        return Consent(new_id, learner, session, exercise, audience, changed_at, group)

    def consent(self, learner: str, session: str, exercise: str) -> Consent | None:
        """The learner's current choice for one answer (None: never chosen, so private)."""
        with self._read(learner) as conn:
            row = conn.execute(_newest(learner, session, exercise, consents)).first()
        return None if row is None else _consent(row)

    def consents(self, learner: str) -> list[Consent]:
        """The learner's current choice for each answer they ever chose one for."""
        newest = (
            select(func.max(consents.c.id))
            .where(consents.c.learner == learner)
            .group_by(consents.c.session, consents.c.exercise)
        )
        with self._read(learner) as conn:
            rows = conn.execute(
                select(consents).where(consents.c.id.in_(newest)).order_by(consents.c.id)
            ).all()
        return [_consent(row) for row in rows]

    def consent_history(self, learner: str, session: str, exercise: str) -> list[Consent]:
        """Every choice the learner made for one answer, oldest first."""
        with self._read(learner) as conn:
            rows = conn.execute(
                select(consents)
                .where(*_one_answer(learner, session, exercise, consents))
                .order_by(consents.c.id)
            ).all()
        return [_consent(row) for row in rows]

    def shared_answers(
        self,
        viewer: str,
        learners: Collection[str],
        audiences: Collection[str],
        session: str | None = None,
        *,
        groups: Collection[str] | None = None,
        unnamed_group: Collection[str] = (),
    ) -> list[SharedAnswer]:
        """The current answers of ``learners`` whose current choice is in ``audiences``.

        What a board shows ``viewer``; oldest first. ``learner`` is None where the
        choice keeps the name back. With ``groups`` (the board's groups), an answer
        shared with "my group" is shown only when the group it is for is one of
        them; a choice that names no group (recorded before groups were named)
        counts only for the learners in ``unnamed_group`` (those with one group, on
        a group's board). On PostgreSQL, row-level security applies the same rules
        again (peerkit/store/postgres.py).
        """
        who = sorted(set(learners))
        allowed = {checked(a) for a in audiences}
        if not who or not allowed:
            return []
        newest_consent = select(func.max(consents.c.id)).where(consents.c.learner.in_(who))
        newest_revision = select(func.max(revisions.c.id)).where(revisions.c.learner.in_(who))
        if session is not None:
            newest_consent = newest_consent.where(consents.c.session == session)
            newest_revision = newest_revision.where(revisions.c.session == session)
        newest_consent = newest_consent.group_by(
            consents.c.learner, consents.c.session, consents.c.exercise
        )
        newest_revision = newest_revision.group_by(
            revisions.c.learner, revisions.c.session, revisions.c.exercise
        )
        options = {VISIBLE_OPTION: who, AUDIENCES_OPTION: sorted(allowed)}
        if groups is not None:
            options[COHORTS_OPTION] = sorted(set(groups))
        unnamed = set(unnamed_group)
        with self._read(viewer, **options) as conn:
            chosen = {
                (row.learner, row.session, row.exercise): row.audience
                for row in conn.execute(select(consents).where(consents.c.id.in_(newest_consent)))
                if groups is None or _for_board(row, groups, unnamed)
            }
            rows = conn.execute(
                select(revisions)
                .where(revisions.c.id.in_(newest_revision))
                .order_by(revisions.c.id)
            ).all()
        shared = []
        for row in rows:
            audience = chosen.get((row.learner, row.session, row.exercise))
            if audience not in allowed:
                continue
            revision = _revision(row)
            shared.append(
                SharedAnswer(
                    revision=revision.id,
                    learner=row.learner if audience in NAMED else None,
                    session=row.session,
                    exercise=row.exercise,
                    value=revision.value,
                    saved_at=revision.saved_at,
                    audience=str(audience),
                )
            )
        return shared

    # --- work submitted to the facilitator, and the feedback on it ------------
    def submit(self, learner: str, session: str, exercise: str) -> Submission:
        """Freeze the answer as saved now, for the learner's facilitator to read.

        Submitting an unchanged answer again returns the earlier submission. Raises
        NothingToSubmit when the answer is blank.
        """
        with self._write(learner) as conn:
            current = conn.execute(_newest(learner, session, exercise)).first()
            if current is None or not is_answered(decode(current.value)):
                raise NothingToSubmit("Write your answer before you submit it.")
            last = conn.execute(_newest(learner, session, exercise, submitted)).first()
            if last is not None and last.revision == current.id:
                # The same work again: the earlier submission, with its feedback.
                return _submissions(conn, submitted.c.id == last.id, None)[0]
            submitted_at = datetime.now(UTC)
            result = conn.execute(
                submitted.insert().values(
                    learner=learner,
                    session=session,
                    exercise=exercise,
                    revision=current.id,
                    value=current.value,
                    submitted_at=submitted_at,
                )
            )
            new_id = inserted_id(result)
        value = decode(current.value)
        return Submission(new_id, learner, session, exercise, current.id, value, submitted_at)

    def submissions(self, learner: str, session: str | None = None) -> list[Submission]:
        """The learner's submissions (optionally one session's), each with its feedback."""
        with self._read(learner) as conn:
            return _submissions(conn, submitted.c.learner == learner, session)

    def submitted_work(
        self, viewer: str, learners: Collection[str], session: str | None = None
    ) -> list[Submission]:
        """What ``learners`` submitted, with its feedback: a facilitator's board, oldest first."""
        who = sorted(set(learners))
        if not who:
            return []
        options = {VISIBLE_OPTION: who, AUDIENCES_OPTION: [FACILITATOR]}
        with self._read(viewer, **options) as conn:
            return _submissions(conn, submitted.c.learner.in_(who), session)

    def give_feedback(
        self, viewer: str, learners: Collection[str], submission: int, text: str
    ) -> Feedback:
        """Add ``viewer``'s feedback to a submission by one of ``learners``.

        Raises FeedbackRejected for blank or overlong text, NoSuchSubmission when the
        submission is not one of theirs.
        """
        text = checked_feedback(text)
        who = sorted(set(learners))
        options = {VISIBLE_OPTION: who, AUDIENCES_OPTION: [FACILITATOR]}
        with self._write(viewer, **options) as conn:
            row = conn.execute(
                select(submitted.c.learner).where(
                    submitted.c.id == submission, submitted.c.learner.in_(who)
                )
            ).first()
            if row is None:
                raise NoSuchSubmission("That submission is not one you can give feedback on.")
            given_at = datetime.now(UTC)
            result = conn.execute(
                feedback_rows.insert().values(
                    submission=submission,
                    learner=row.learner,
                    author=viewer,
                    text=text,
                    given_at=given_at,
                )
            )
            new_id = inserted_id(result)
        return Feedback(new_id, submission, viewer, text, given_at)

    # --- each group's agreement ---------------------------------------------------
    def set_agreement(self, author: str, cohort: str, module: str, text: str) -> Agreement:
        """Record ``cohort``'s agreement for ``module`` (a new row; "" clears it).

        The caller has checked that ``author`` facilitates ``cohort``. An unchanged
        agreement returns the current one. Raises AgreementRejected for an overlong one.
        """
        text = checked_agreement(text)
        with self._write(author, **{COHORTS_OPTION: [cohort]}) as conn:
            current = conn.execute(_newest_agreement(cohort, module)).first()
            if current is not None and current.text == text:
                return _agreement(current)
            agreed_at = datetime.now(UTC)
            result = conn.execute(
                agreements.insert().values(
                    cohort=cohort, module=module, text=text, author=author, agreed_at=agreed_at
                )
            )
            new_id = inserted_id(result)
        return Agreement(new_id, cohort, module, text, author, agreed_at)

    def group_agreements(self, learner: str, module: str) -> list[Agreement]:
        """None: outside a class there is no group (the service's store asks its groups)."""
        return []

    def agreements(self, viewer: str, cohorts: Collection[str], module: str) -> list[Agreement]:
        """The current agreement of each of ``cohorts`` for ``module`` (none: not recorded)."""
        found = []
        with self._read(viewer, **{COHORTS_OPTION: sorted(set(cohorts))}) as conn:
            for cohort in sorted(set(cohorts)):
                row = conn.execute(_newest_agreement(cohort, module)).first()
                if row is not None:
                    found.append(_agreement(row))
        return found

    # --- ideas on a group's board --------------------------------------------------
    def add_idea(
        self,
        learner: str,
        cohort: str,
        session: str,
        board: str,
        text: str,
        *,
        named: bool = False,
        key: str,
    ) -> int:
        """Add the learner's idea to one group's board, ``cohort``'s (the caller has
        checked they are in it, and that it is the one they chose); its id.

        Without their name unless ``named``. The same ``key`` again adds nothing (a
        resent request). Raises IdeaRejected for a blank or overlong idea.
        """
        text = checked_text(text, MAX_IDEA_CHARS, "idea")
        key = str(key)[:64]
        with self._write(learner, **{COHORTS_OPTION: [cohort]}) as conn:
            return idea_rows.add(conn, learner, cohort, (session, board), text, named, key)

    def ideas(
        self,
        viewer: str,
        cohorts: Collection[str],
        session: str,
        board: str,
        *,
        facilitating: bool = False,
    ) -> list[Idea]:
        """The ideas on the board of ``cohorts`` as ``viewer`` may see them, oldest first."""
        with self._read(viewer, **{COHORTS_OPTION: sorted(set(cohorts))}) as conn:
            return idea_rows.on_board(conn, viewer, cohorts, (session, board), facilitating)

    def own_ideas(self, learner: str) -> list[Idea]:
        """Every idea the learner added to a group's board, and what became of it."""
        with self._read(learner) as conn:
            return idea_rows.own(conn, learner)

    def withdraw_idea(
        self, learner: str, session: str, board: str, idea: int
    ) -> tuple[str, str, str, str]:
        """Take the learner's own idea off board ``session``/``board``; its (learner,
        cohort, session, board).

        Raises NoSuchIdea for anyone else's, or for an idea on another board.
        """
        with self._write(learner) as conn:
            only = idea_rows.ideas.c.learner == learner
            where = (session, board)
            return idea_rows.record(conn, idea, where, WITHDRAWN, "", learner, only)

    def hide_idea(
        self,
        facilitator: str,
        cohorts: Collection[str],
        session: str,
        board: str,
        idea: int,
        reason: str,
    ) -> tuple[str, str, str, str]:
        """Hide an idea on board ``session``/``board`` of one of ``cohorts``, saying why
        (its contributor sees).

        The caller has checked that ``facilitator`` facilitates ``cohorts``. Raises
        IdeaRejected for a blank or overlong reason, NoSuchIdea for another group's idea
        or one on another board.
        """
        reason = checked_text(reason, MAX_REASON_CHARS, "reason")
        who = sorted(set(cohorts))
        with self._write(facilitator, **{COHORTS_OPTION: who}) as conn:
            only = idea_rows.ideas.c.cohort.in_(who)
            where = (session, board)
            return idea_rows.record(conn, idea, where, HIDDEN, reason, facilitator, only)


def _newest_agreement(cohort: str, module: str) -> Any:
    return (
        select(agreements)
        .where(agreements.c.cohort == cohort, agreements.c.module == module)
        .order_by(agreements.c.id.desc())
        .limit(1)
    )


def _agreement(row: Any) -> Agreement:
    at = aware(row.agreed_at)
    return Agreement(row.id, row.cohort, row.module, row.text, row.author, at)


def _submissions(conn: Connection, who: Any, session: str | None) -> list[Submission]:
    """Submissions matching ``who`` (and ``session``), each with its feedback, oldest first."""
    query = select(submitted).where(who)
    if session is not None:
        query = query.where(submitted.c.session == session)
    rows = conn.execute(query.order_by(submitted.c.id)).all()
    if not rows:
        return []
    given: dict[int, list[Feedback]] = {}
    notes = conn.execute(
        select(feedback_rows)
        .where(feedback_rows.c.submission.in_([row.id for row in rows]))
        .order_by(feedback_rows.c.id)
    )
    for note in notes:
        given.setdefault(note.submission, []).append(
            Feedback(note.id, note.submission, note.author, note.text, aware(note.given_at))
        )
    return [_submission(row, tuple(given.get(row.id, ()))) for row in rows]


def _submission(row: Any, feedback: tuple[Feedback, ...]) -> Submission:
    value = decode(row.value)
    at = aware(row.submitted_at)
    return Submission(
        row.id, row.learner, row.session, row.exercise, row.revision, value, at, feedback
    )


def _one_answer(
    learner: str, session: str, exercise: str, table: Any = revisions
) -> tuple[Any, ...]:
    """The WHERE clauses picking out one answer's rows (its revisions, or its choices)."""
    return (table.c.learner == learner, table.c.session == session, table.c.exercise == exercise)


def _newest(learner: str, session: str, exercise: str, table: Any = revisions) -> Any:
    """The query for one answer's newest row (its current revision, or its current choice)."""
    return (
        select(table)
        .where(*_one_answer(learner, session, exercise, table))
        .order_by(table.c.id.desc())
        .limit(1)
    )


def _for_board(row: Any, groups: Collection[str], unnamed: set[str]) -> bool:
    """Whether a consent row lets a board of ``groups`` show its answer."""
    if row.audience not in FOR_GROUP:
        return True
    if row.cohort:
        return row.cohort in groups
    return row.learner in unnamed  # an older "my group": its learner's only group


def _consent(row: Any) -> Consent:
    at = aware(row.changed_at)
    return Consent(row.id, row.learner, row.session, row.exercise, row.audience, at, row.cohort)


def _revision(row: Any) -> Revision:
    saved_at = aware(row.saved_at)
    return Revision(row.id, row.learner, row.session, row.exercise, decode(row.value), saved_at)
