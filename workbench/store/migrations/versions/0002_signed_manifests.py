"""signed bundle manifests on pack versions; force CA certificates

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pack_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_manifests', sa.JSON(), nullable=True))
    op.create_table('force_ca_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_sha256', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_sha256'], ['evidence_blobs.sha256'], name=op.f('fk_force_ca_certificates_certificate_sha256_evidence_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_force_ca_certificates')),
    sa.UniqueConstraint('certificate_sha256', name=op.f('uq_force_ca_certificates_certificate_sha256'))
    )


def downgrade() -> None:
    op.drop_table('force_ca_certificates')
    with op.batch_alter_table('pack_versions', schema=None) as batch_op:
        batch_op.drop_column('signed_manifests')
