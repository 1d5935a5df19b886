"""change log entries record the state of the rows they wrote

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # entries written before this revision keep NULL: `log verify` reports the rows they wrote
    # as not vouched for, instead of as changed
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('states', sa.JSON(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from workbench.store import pg_security

        pg_security.allow_row_states(lambda sql: bind.exec_driver_sql(sql))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP POLICY IF EXISTS wb_update ON change_log")
        bind.exec_driver_sql("REVOKE UPDATE ON change_log FROM PUBLIC")
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_column('states')
