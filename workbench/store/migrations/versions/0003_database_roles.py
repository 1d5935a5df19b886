"""database roles: on PostgreSQL, grants and row-level security per workbench role

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 11:00:00

On SQLite this does nothing (a file's protection is its permissions, 0600). On PostgreSQL each
person connects as their own login; see workbench/store/pg_security.py for what each may write.
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from workbench.store import pg_security

    pg_security.apply(lambda sql: bind.exec_driver_sql(sql))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from workbench.store import pg_security

    tables = (*pg_security.ORDINARY_TABLES, "users", "reviewer_certificates", "sign_offs", "pack_versions",
              "self_assessments", "change_log", "change_log_head")
    for table in tables:
        for policy in ("wb_select", "wb_insert", "wb_update", "wb_delete"):
            bind.exec_driver_sql(f"DROP POLICY IF EXISTS {policy} ON {table}")
        bind.exec_driver_sql(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS workbench_users_guard ON users")
    bind.exec_driver_sql("DROP FUNCTION IF EXISTS workbench_users_guard(), workbench_unrestricted(), workbench_role()")
