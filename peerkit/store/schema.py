"""The answers database schema (SQLAlchemy Core tables) and its version."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Bump when the tables change, and add a step to ``migrations.MIGRATIONS``.
SCHEMA_VERSION = 5

metadata = MetaData()

#: One row per key; holds ``schema_version``.
meta = Table(
    "peerkit_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

#: Every save is a new row, so an overwrite never destroys earlier text.
#: The newest row for (learner, session, exercise) is the current answer.
answer_revisions = Table(
    "answer_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False),
    Column("session", String(64), nullable=False),
    Column("exercise", String(100), nullable=False),
    Column("value", Text, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Index("ix_answer_revisions_lookup", "learner", "session", "exercise", "id"),
)

#: One secret per learner, sealing the drafts their browser keeps of unsaved text
#: (peerkit/exercises/static/exercise.js). Erasing the learner deletes it, so any
#: draft left in a browser can never be read again. Added in schema version 2.
draft_keys = Table(
    "draft_keys",
    metadata,
    Column("learner", String(200), primary_key=True),
    Column("secret", String(64), nullable=False),
)

#: Who may see each answer, as the learner chose: one row per choice, never changed,
#: so every change is kept with its time. The newest row for (learner, session,
#: exercise) is the current choice; no row means "only me". Added in version 3.
#: ``cohort`` (version 5) is the one group a choice of "my group" is for; none in
#: rows from before, which mean the learner's group only while they have just one.
answer_consent = Table(
    "answer_consent",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False),
    Column("session", String(64), nullable=False),
    Column("exercise", String(100), nullable=False),
    Column("audience", String(32), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("cohort", String(200), nullable=True),
    Index("ix_answer_consent_lookup", "learner", "session", "exercise", "id"),
)

#: Answers submitted to the learner's facilitator (an essay): each a frozen copy of
#: the answer as saved then, never changed. Added in version 4.
answer_submissions = Table(
    "answer_submissions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False),
    Column("session", String(64), nullable=False),
    Column("exercise", String(100), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("value", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Index("ix_answer_submissions_lookup", "learner", "session", "exercise", "id"),
)

#: A facilitator's feedback on a submission; ``learner`` is the submission's (whose
#: data it is: erased with it). Each is a new row. Added in version 4.
submission_feedback = Table(
    "submission_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission", Integer, nullable=False),
    Column("learner", String(200), nullable=False),
    Column("author", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("given_at", DateTime(timezone=True), nullable=False),
    Index("ix_submission_feedback_lookup", "learner", "submission"),
)

#: Each group's agreement for a module, as its facilitator recorded it: one row per
#: change, never edited; the newest for (cohort, module) is the agreement. Not one
#: learner's data, so erasing a learner keeps it. Added in version 4.
group_agreements = Table(
    "group_agreements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cohort", String(200), nullable=False),
    Column("module", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("agreed_at", DateTime(timezone=True), nullable=False),
    Index("ix_group_agreements_lookup", "cohort", "module", "id"),
)

#: Ideas added to a group's board in a session page (peerkit/store/ideas.py): one
#: row per idea and group, never changed. ``client_key`` is the page's own name for
#: the idea, so a resent request never adds it twice. Added in version 4.
board_ideas = Table(
    "board_ideas",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner", String(200), nullable=False),
    Column("cohort", String(200), nullable=False),
    Column("session", String(64), nullable=False),
    Column("board", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("named", Boolean, nullable=False),
    Column("client_key", String(64), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("learner", "cohort", "client_key", name="uq_board_ideas_key"),
    Index("ix_board_ideas_lookup", "cohort", "session", "board", "id"),
)

#: What became of each idea: withdrawn by its learner, or hidden by a facilitator
#: with a reason. ``learner`` is the idea's (whose data it is). Added in version 4.
idea_changes = Table(
    "idea_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idea", Integer, nullable=False),
    Column("learner", String(200), nullable=False),
    Column("cohort", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_idea_changes_lookup", "cohort", "idea"),
)
