"""inspectorate status of findings, apart from the force's own status

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('inspectorate_status', sa.String(length=60), nullable=False, server_default=''))
        batch.add_column(sa.Column('inspectorate_status_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('inspectorate_status_note', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('findings') as batch:
        batch.drop_column('inspectorate_status_note')
        batch.drop_column('inspectorate_status_date')
        batch.drop_column('inspectorate_status')
