"""an index on every foreign key the services look rows up by

Neither SQLite nor PostgreSQL indexes a foreign key by itself, so each lookup of a finding's key
figures, measures, actions or links (or of an evidence item's links) read the whole table: a
report import grew with the square of its findings, and every page that lists them with the size
of the register.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: (table, column): each gets the index ix_<table>_<column>
INDEXED = (
    ('actions', 'finding_id'),
    ('audit_findings', 'finding_id'),
    ('audits', 'baseline_figure_id'),
    ('audits', 'template_id'),
    ('evidence', 'sha256'),
    ('evidence_links', 'action_id'),
    ('evidence_links', 'audit_id'),
    ('evidence_links', 'case_id'),
    ('evidence_links', 'evidence_id'),
    ('evidence_links', 'finding_id'),
    ('evidence_requests', 'action_id'),
    ('finding_links', 'earlier_id'),
    ('findings', 'parent_id'),
    ('key_figures', 'finding_id'),
    ('measures', 'figure_id'),
    ('measures', 'finding_id'),
    ('planned_audits', 'based_on_audit_id'),
    ('reviewer_certificates', 'user_id'),
    ('sampled_cases', 'replaces_id'),
    ('sign_offs', 'pack_version_id'),
    ('sign_offs', 'self_assessment_id'),
)


def upgrade() -> None:
    for table, column in INDEXED:
        op.create_index(op.f(f'ix_{table}_{column}'), table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(INDEXED):
        op.drop_index(op.f(f'ix_{table}_{column}'), table_name=table)
