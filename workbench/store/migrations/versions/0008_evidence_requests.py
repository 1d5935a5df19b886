"""evidence requests to action owners, and an optional expiry date on evidence

Adds `evidence_requests` (a finding, an optional action, whom it is addressed to, what is needed,
the due date, its status: open, returned, accepted or withdrawn; the reply and the evidence the
returned files became; who created it and when) and `evidence.expires_on`.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('evidence') as batch:
        batch.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
    op.create_table(
        'evidence_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=True),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('what_needed', sa.Text(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reply', sa.Text(), nullable=False),
        sa.Column('returned_on', sa.Date(), nullable=True),
        sa.Column('evidence_ids', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('closed_by', sa.String(length=120), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'],
                                name=op.f('fk_evidence_requests_finding_id_findings')),
        sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_evidence_requests_action_id_actions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_requests')),
    )
    op.create_index(op.f('ix_evidence_requests_finding_id'), 'evidence_requests', ['finding_id'], unique=False)
    _vouch_for_upgraded_rows(("evidence",))
    if op.get_bind().dialect.name == "postgresql":
        from workbench.store.pg_security import secure_table

        secure_table(op.execute, "evidence_requests")


def _vouch_for_upgraded_rows(tables: tuple[str, ...]) -> None:
    """One change-log entry recording the upgraded rows' new states (the new `expires_on` column
    changes each evidence row's canonical state), so `log verify` keeps vouching for them."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from workbench.store import changelog
    from workbench.store.log_audit import audited_tables, read_states
    from workbench.store.models import ChangeLogEntry

    session = Session(bind=op.get_bind())
    if not session.scalar(select(func.count()).select_from(ChangeLogEntry)):
        return  # a new workspace: nothing to vouch for
    audited = audited_tables()
    touched = {}
    for name in tables:
        ids = set(session.scalars(select(audited[name].c.id)))
        if ids:
            touched[name] = ids
    if touched:
        states = read_states(session, touched)
        changelog.append(session, "upgrade", "workspace", revision, "upgrade", None,
                         {"revision": revision, "rows": {t: len(r) for t, r in states.items()}}, states)
    session.flush()


def downgrade() -> None:
    op.drop_index(op.f('ix_evidence_requests_finding_id'), table_name='evidence_requests')
    op.drop_table('evidence_requests')
    with op.batch_alter_table('evidence') as batch:
        batch.drop_column('expires_on')
