"""rows imported from a force's own tracker: each row's key, the finding it became, every column as imported

Re-importing the tracker (or an updated copy) finds each row's finding again by its key, so it
updates rather than duplicates.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'tracker_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('row_key', sa.String(length=300), nullable=False),
        sa.Column('tracker', sa.String(length=400), nullable=False),
        sa.Column('sheet_row', sa.Integer(), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('imported_by', sa.String(length=120), nullable=False),
        sa.Column('imported_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_tracker_rows_finding_id_findings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tracker_rows')),
        sa.UniqueConstraint('row_key', name=op.f('uq_tracker_rows_row_key')),
    )
    op.create_index(op.f('ix_tracker_rows_finding_id'), 'tracker_rows', ['finding_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        from workbench.store.pg_security import secure_table

        secure_table(op.execute, "tracker_rows")


def downgrade() -> None:
    op.drop_index(op.f('ix_tracker_rows_finding_id'), table_name='tracker_rows')
    op.drop_table('tracker_rows')
