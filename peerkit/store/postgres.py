"""PostgreSQL specifics: row-level security as a second layer under the store's own checks.

Every store method already asks only for its own learner's rows. Under it, each
table holding learner data has ``FORCE ROW LEVEL SECURITY`` and one policy: a row
is seen, added or deleted only when its ``learner`` is the transaction's
``peerkit.learner`` setting. The store sets that setting at the start of each
transaction with ``set_config(..., true)`` (transaction-local, so a pooled
connection never carries one learner's setting into the next transaction); with
none set, no row is visible at all.

The store's day-to-day role should not own the tables (``AnswerStore(admin_url=)``):
then even a statement that forgot its WHERE clause, or a role that ran
``set_config`` for someone else, still cannot UPDATE a revision (no grant) or read
another database's tables. A superuser bypasses row-level security always: never
connect the store as one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, event

#: The execution option naming the learner a transaction acts for.
LEARNER_OPTION = "peerkit_learner"
SETTING = "peerkit.learner"
#: Tables whose rows belong to one learner each (both have a ``learner`` column).
LEARNER_TABLES = ("answer_revisions", "draft_keys")
POLICY = "peerkit_own_rows"


def install_learner_scope(engine: Engine) -> None:
    """Set ``peerkit.learner`` from the LEARNER_OPTION at the start of each transaction."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        learner = connection.get_execution_options().get(LEARNER_OPTION) or ""
        connection.exec_driver_sql(
            "SELECT set_config(%(name)s, %(learner)s, true)",
            {"name": SETTING, "learner": str(learner)},
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
    if app_role:
        role = quote(app_role)
        # Revisions are only ever added or erased, never changed: no UPDATE.
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON answer_revisions TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT, INSERT, DELETE ON draft_keys TO {role}")
        conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE answer_revisions_id_seq TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT ON peerkit_meta TO {role}")
