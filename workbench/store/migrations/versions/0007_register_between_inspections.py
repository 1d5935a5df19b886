"""the register between inspections: sources, two status lines with history, two-step closure, the assurance plan

Inspections gain their source type, deadline, the PCC's response and Engage dates; findings say
whom they were addressed to; links say whether a finding was carried forward. The force's status
(findings.status) moves onto the five-state line of services/finding_status.py: the old working
statuses are mapped onto it, and each mapped finding gets a history entry naming its old status.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

#: the working statuses before 0007 -> the force's status line (services/finding_status.py)
LEGACY_FORCE_STATUS = {
    "open": "awaiting allocation",
    "in progress": "in progress",
    "evidence gathering": "in progress",
    "ready for review": "pending sign-off",
    "signed off": "pending sign-off",
    "closed by inspectorate": "closed",
    "superseded": "closed",
}
FORCE_STATES = ("awaiting allocation", "in progress", "pending sign-off", "proposed for closure", "closed")


def upgrade() -> None:
    with op.batch_alter_table('inspections') as batch:
        batch.add_column(sa.Column('source_type', sa.String(length=40), nullable=False, server_default='peel'))
        batch.add_column(sa.Column('deadline', sa.Date(), nullable=True))
        batch.add_column(sa.Column('pcc_response_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('pcc_response_note', sa.Text(), nullable=False, server_default=''))
        batch.add_column(sa.Column('improvement_plan_deadline', sa.Date(), nullable=True))
        batch.add_column(sa.Column('revisit_date', sa.Date(), nullable=True))
    with op.batch_alter_table('findings') as batch:
        batch.add_column(sa.Column('addressed_to', sa.String(length=20), nullable=False, server_default='force'))
    with op.batch_alter_table('finding_links') as batch:
        batch.add_column(sa.Column('relation', sa.String(length=20), nullable=False, server_default='theme'))
    op.create_table(
        'status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('line', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=60), nullable=False),
        sa.Column('to_status', sa.String(length=60), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('recorded_by', sa.String(length=120), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_status_changes_finding_id_findings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes')),
    )
    op.create_index(op.f('ix_status_changes_finding_id'), 'status_changes', ['finding_id'], unique=False)
    op.create_table(
        'closure_proposals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('rationale', sa.Text(), nullable=False),
        sa.Column('evidence_ids', sa.JSON(), nullable=False),
        sa.Column('demonstration_from', sa.Date(), nullable=False),
        sa.Column('demonstration_to', sa.Date(), nullable=False),
        sa.Column('proposed_by', sa.String(length=120), nullable=False),
        sa.Column('proposed_on', sa.Date(), nullable=False),
        sa.Column('authorised_by', sa.String(length=20), nullable=True),
        sa.Column('authorised_on', sa.Date(), nullable=True),
        sa.Column('basis', sa.Text(), nullable=False),
        sa.Column('recorded_by', sa.String(length=120), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['finding_id'], ['findings.id'],
                                name=op.f('fk_closure_proposals_finding_id_findings')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_proposals')),
    )
    op.create_index(op.f('ix_closure_proposals_finding_id'), 'closure_proposals', ['finding_id'], unique=False)
    op.create_table(
        'planned_audits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('template_key', sa.String(length=80), nullable=False),
        sa.Column('finding_ids', sa.JSON(), nullable=False),
        sa.Column('owner', sa.String(length=120), nullable=False),
        sa.Column('month_due', sa.Integer(), nullable=False),
        sa.Column('recurrence', sa.String(length=20), nullable=False),
        sa.Column('rotation_kind', sa.String(length=40), nullable=False),
        sa.Column('rotation', sa.JSON(), nullable=False),
        sa.Column('based_on_audit_id', sa.Integer(), nullable=True),
        sa.Column('started', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=120), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['based_on_audit_id'], ['audits.id'],
                                name=op.f('fk_planned_audits_based_on_audit_id_audits')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_audits')),
    )
    _map_force_statuses()
    _vouch_for_upgraded_rows(("inspections", "findings", "finding_links", "status_changes"))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from workbench.store.pg_security import secure_table

        secure_table(op.execute, "status_changes")
        secure_table(op.execute, "closure_proposals")
        secure_table(op.execute, "planned_audits")


def _map_force_statuses() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, status, notes FROM findings")).all()
    today = dt.date.today()
    now = dt.datetime.now(dt.UTC)
    for fid, old, notes in rows:
        if old in FORCE_STATES:
            continue
        new = LEGACY_FORCE_STATUS.get(old, "in progress")
        comment = f"was '{old}' before the force's status line"
        params = {"id": fid, "status": new, "notes": notes}
        if old not in LEGACY_FORCE_STATUS:  # a workspace's own status: kept in the notes, never dropped
            params["notes"] = (notes + "\n" if notes else "") + f"Status before 0007: {old}"
        bind.execute(sa.text("UPDATE findings SET status = :status, notes = :notes WHERE id = :id"), params)
        bind.execute(sa.text(
            "INSERT INTO status_changes (finding_id, line, from_status, to_status, \"on\", comment, recorded_by, "
            "recorded_at) VALUES (:fid, 'force', :old, :new, :on, :comment, 'upgrade', :at)"),
            {"fid": fid, "old": old, "new": new, "on": today, "comment": comment, "at": now})


def _vouch_for_upgraded_rows(tables: tuple[str, ...]) -> None:
    """One change-log entry recording the upgraded rows' new states, so `log verify` vouches for them.

    The new columns (and the mapped statuses) change every row's canonical state; without this
    entry each row of a workspace whose log records row states would read as changed outside the
    application. The entry says what the upgrade did, in the same hash chain as everything else."""
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
    op.drop_table('planned_audits')
    op.drop_index(op.f('ix_closure_proposals_finding_id'), table_name='closure_proposals')
    op.drop_table('closure_proposals')
    op.drop_index(op.f('ix_status_changes_finding_id'), table_name='status_changes')
    op.drop_table('status_changes')
    with op.batch_alter_table('finding_links') as batch:
        batch.drop_column('relation')
    with op.batch_alter_table('findings') as batch:
        batch.drop_column('addressed_to')
    with op.batch_alter_table('inspections') as batch:
        for name in ('revisit_date', 'improvement_plan_deadline', 'pcc_response_note', 'pcc_response_date',
                     'deadline', 'source_type'):
            batch.drop_column(name)
