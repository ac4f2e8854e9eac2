"""PostgreSQL specifics: row-level security as a second layer under the store's own checks.

Every store method already asks only for its own learner's rows. Under it, each
table holding learner data has ``FORCE ROW LEVEL SECURITY`` and one policy: a row
is seen, added or deleted only when its ``learner`` is the transaction's
``peerkit.learner`` setting. The store sets that setting at the start of each
transaction with ``set_config(..., true)`` (transaction-local, so a pooled
connection never carries one learner's setting into the next transaction); with
none set, no row is visible at all.

Boards (peerkit/hub/boards.py) read other learners' shared answers. For those
reads the store also sets ``peerkit.visible`` (a JSON list of the learners the
viewer may see, from their JupyterHub groups) and ``peerkit.audiences`` (the
sharing choices the board shows), and ``peerkit.cohorts`` (the board's groups).
Two more policies, for SELECT only, then let a
row through: a consent row of a visible learner, and a revision of a visible
learner whose answer's newest consent row is one of those choices and, where it
names the group it is for, names one of the board's groups. So a board
query that forgot a condition still cannot show an answer its learner kept private.
Work submitted to a facilitator, and the feedback on it, is let through the same
way only when those choices include the facilitator's; a facilitator may add
feedback only for a learner they may see. A group's agreement is read only in a
transaction acting for one of its groups (``peerkit.cohorts``), and recorded only
in the name of the transaction's own person; so are the ideas on a group's board,
which a facilitator of the group may hide, in their own name.

The store's day-to-day role should not own the tables (``AnswerStore(admin_url=)``):
then even a statement that forgot its WHERE clause, or a role that ran
``set_config`` for someone else, still cannot UPDATE a revision (no grant) or read
another database's tables. A superuser bypasses row-level security always: never
connect the store as one.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, event

#: The execution option naming the learner a transaction acts for.
LEARNER_OPTION = "peerkit_learner"
SETTING = "peerkit.learner"
#: The execution options naming who else a board's transaction may see, and which choices.
VISIBLE_OPTION = "peerkit_visible"
AUDIENCES_OPTION = "peerkit_audiences"
#: The groups a transaction acts for (a group's agreement: read by its members,
#: recorded by its facilitators).
COHORTS_OPTION = "peerkit_cohorts"
COHORTS_SETTING = "peerkit.cohorts"
VISIBLE_SETTING = "peerkit.visible"
AUDIENCES_SETTING = "peerkit.audiences"
#: Tables whose rows belong to one learner each (each has a ``learner`` column).
LEARNER_TABLES = (
    "answer_revisions",
    "draft_keys",
    "answer_consent",
    "answer_submissions",
    "submission_feedback",
    "board_ideas",
    "idea_changes",
)
POLICY = "peerkit_own_rows"
SHARED_POLICY = "peerkit_shared_rows"
FEEDBACK_POLICY = "peerkit_feedback_rows"
SUBMISSION_TABLES = ("answer_submissions", "submission_feedback")
IDEA_TABLES = ("board_ideas", "idea_changes")
AGREEMENT_READ = "peerkit_group_reads"
AGREEMENT_WRITE = "peerkit_group_writes"


def _json_list(setting: str) -> str:
    """SQL for the setting as a set of texts (unset, or reset to '', is the empty set)."""
    return (
        "(SELECT jsonb_array_elements_text("
        f"coalesce(nullif(current_setting('{setting}', true), ''), '[]')::jsonb))"
    )


VISIBLE = _json_list(VISIBLE_SETTING)
#: A facilitator's board: submitted work is shown only where the choices include
#: the facilitator's (never on a group's board).
FOR_FACILITATOR = f"learner IN {VISIBLE} AND 'facilitator' IN {_json_list(AUDIENCES_SETTING)}"
SHARED_CONDITIONS = {
    "answer_consent": f"learner IN {VISIBLE}",
    "answer_submissions": FOR_FACILITATOR,
    "submission_feedback": FOR_FACILITATOR,
    # The newest choice is one the board shows; and a choice of "my group" that
    # names a group, one of the board's groups (an older one, naming none, is
    # narrowed by the store: its learner's only group).
    "answer_revisions": (
        f"learner IN {VISIBLE} AND EXISTS (SELECT 1 FROM ("
        "SELECT c.audience, c.cohort FROM answer_consent c "
        "WHERE c.learner = answer_revisions.learner AND c.session = answer_revisions.session "
        "AND c.exercise = answer_revisions.exercise ORDER BY c.id DESC LIMIT 1) n "
        f"WHERE n.audience IN {_json_list(AUDIENCES_SETTING)} AND (n.cohort IS NULL "
        f"OR n.audience = 'facilitator' OR n.cohort IN {_json_list(COHORTS_SETTING)}))"
    ),
}


def install_learner_scope(engine: Engine) -> None:
    """Set ``peerkit.learner`` from the LEARNER_OPTION at the start of each transaction."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        learner = options.get(LEARNER_OPTION) or ""
        visible = json.dumps(sorted(options.get(VISIBLE_OPTION) or ()))
        audiences = json.dumps(sorted(options.get(AUDIENCES_OPTION) or ()))
        cohorts = json.dumps(sorted(options.get(COHORTS_OPTION) or ()))
        connection.exec_driver_sql(
            "SELECT set_config(%(name)s, %(learner)s, true), "
            "set_config(%(vname)s, %(visible)s, true), set_config(%(aname)s, %(audiences)s, true), "
            "set_config(%(cname)s, %(cohorts)s, true)",
            {
                "cname": COHORTS_SETTING,
                "cohorts": cohorts,
                "name": SETTING,
                "learner": str(learner),
                "vname": VISIBLE_SETTING,
                "visible": visible,
                "aname": AUDIENCES_SETTING,
                "audiences": audiences,
            },
        ).close()


def secure_tables(conn: Connection, app_role: str | None) -> None:
    """Force row-level security on the learner tables and grant ``app_role`` what it needs.

    Run by the tables' owner; idempotent, so it runs at every start.
    """
    quote = conn.dialect.identifier_preparer.quote
    own = f"learner = current_setting('{SETTING}', true)"
    for table in LEARNER_TABLES:
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        conn.exec_driver_sql(f"CREATE POLICY {POLICY} ON {table} USING ({own}) WITH CHECK ({own})")
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {SHARED_POLICY} ON {table}")
        if table in SHARED_CONDITIONS:
            conn.exec_driver_sql(
                f"CREATE POLICY {SHARED_POLICY} ON {table} FOR SELECT "
                f"USING ({SHARED_CONDITIONS[table]})"
            )
    # A facilitator writes feedback on the work of the learners they may see.
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS {FEEDBACK_POLICY} ON submission_feedback")
    conn.exec_driver_sql(
        f"CREATE POLICY {FEEDBACK_POLICY} ON submission_feedback FOR INSERT "
        f"WITH CHECK ({FOR_FACILITATOR})"
    )
    # A group's agreement: read in its groups only, recorded in its author's own name.
    groups = f"cohort IN {_json_list(COHORTS_SETTING)}"
    conn.exec_driver_sql("ALTER TABLE group_agreements ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql("ALTER TABLE group_agreements FORCE ROW LEVEL SECURITY")
    for name in (AGREEMENT_READ, AGREEMENT_WRITE):
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON group_agreements")
    conn.exec_driver_sql(
        f"CREATE POLICY {AGREEMENT_READ} ON group_agreements FOR SELECT USING ({groups})"
    )
    conn.exec_driver_sql(
        f"CREATE POLICY {AGREEMENT_WRITE} ON group_agreements FOR INSERT "
        f"WITH CHECK ({groups} AND author = current_setting('{SETTING}', true))"
    )
    # Ideas on a group's board: read within the group; hidden by its facilitators, in
    # their own name (the store reads a hidden idea back only to its contributor).
    for table in IDEA_TABLES:
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS {AGREEMENT_READ} ON {table}")
        conn.exec_driver_sql(
            f"CREATE POLICY {AGREEMENT_READ} ON {table} FOR SELECT USING ({groups})"
        )
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS {AGREEMENT_WRITE} ON idea_changes")
    conn.exec_driver_sql(
        f"CREATE POLICY {AGREEMENT_WRITE} ON idea_changes FOR INSERT WITH CHECK ({groups} "
        f"AND kind = 'hidden' AND author = current_setting('{SETTING}', true))"
    )
    if app_role:
        role = quote(app_role)
        # Revisions are only ever added or erased, never changed: no UPDATE.
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON answer_revisions TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON draft_keys TO {role}")
        # Consent is the same: each change is a new row, so every change is kept.
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON answer_consent TO {role}")
        # Submissions and feedback too: a submitted copy is never edited.
        for table in (*SUBMISSION_TABLES, *IDEA_TABLES):
            conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON {table} TO {role}")
        # An agreement's changes are all kept: no UPDATE, and no DELETE either.
        conn.exec_driver_sql(f"GRANT SELECT, INSERT ON group_agreements TO {role}")
        sequences = ("answer_revisions", "answer_consent", *SUBMISSION_TABLES, *IDEA_TABLES)
        for table in (*sequences, "group_agreements"):
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {table}_id_seq TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT ON peerkit_meta TO {role}")
