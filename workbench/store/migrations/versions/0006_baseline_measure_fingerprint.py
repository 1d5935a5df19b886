"""audits: baseline measure, fingerprint scheme, extract file SHA-256

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_measure', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('fingerprint_scheme', sa.String(length=20), nullable=False,
                                      server_default='population-v1'))
        batch_op.add_column(sa.Column('population_file_sha256', sa.String(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('audits', schema=None) as batch_op:
        batch_op.drop_column('population_file_sha256')
        batch_op.drop_column('fingerprint_scheme')
        batch_op.drop_column('baseline_measure')
