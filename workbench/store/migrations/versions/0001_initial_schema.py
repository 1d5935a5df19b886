"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:03:24.037645
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_templates')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_audit_templates_key_version'))
    )
    op.create_table('change_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_change_log')),
    sa.UniqueConstraint('hash', name=op.f('uq_change_log_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_change_log_prev_hash'))
    )
    op.create_table('change_log_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_log_head'))
    )
    op.create_table('evidence_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_evidence_blobs'))
    )
    op.create_table('force_settings',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_force_settings'))
    )
    op.create_table('inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=400), nullable=False),
    sa.Column('force_name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('source_name', sa.String(length=400), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('text_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspections'))
    )
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspections_text_fingerprint'), ['text_fingerprint'], unique=False)

    op.create_table('pseudonym_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pseudonym_keys'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('passphrase_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('filename', sa.String(length=400), nullable=False),
    sa.Column('media_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('evidence_date', sa.Date(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('classification', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['evidence_blobs.sha256'], name=op.f('fk_evidence_sha256_evidence_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('ref', sa.String(length=60), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('area_reason', sa.Text(), nullable=False),
    sa.Column('area_overridden', sa.Boolean(), nullable=False),
    sa.Column('question', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_line', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=60), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_findings_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['parent_id'], ['findings.id'], name=op.f('fk_findings_parent_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    sa.UniqueConstraint('inspection_id', 'ref', name=op.f('uq_findings_inspection_id_ref'))
    )
    op.create_table('pack_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('snapshot_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('xlsx_sha256', sa.String(length=64), nullable=True),
    sa.Column('signed_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('release_pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('release_xlsx_sha256', sa.String(length=64), nullable=True),
    sa.Column('release_min_cell', sa.Integer(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('approved_by', sa.String(length=120), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('built_by', sa.String(length=120), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pdf_sha256'], ['evidence_blobs.sha256'], name=op.f('fk_pack_versions_pdf_sha256_evidence_blobs')),
    sa.ForeignKeyConstraint(['release_pdf_sha256'], ['evidence_blobs.sha256'], name=op.f('fk_pack_versions_release_pdf_sha256_evidence_blobs')),
    sa.ForeignKeyConstraint(['release_xlsx_sha256'], ['evidence_blobs.sha256'], name=op.f('fk_pack_versions_release_xlsx_sha256_evidence_blobs')),
    sa.ForeignKeyConstraint(['signed_pdf_sha256'], ['evidence_blobs.sha256'], name=op.f('fk_pack_versions_signed_pdf_sha256_evidence_blobs')),
    sa.ForeignKeyConstraint(['xlsx_sha256'], ['evidence_blobs.sha256'], name=op.f('fk_pack_versions_xlsx_sha256_evidence_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_pack_versions_number'))
    )
    op.create_table('reviewer_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pkcs12', sa.LargeBinary(), nullable=False),
    sa.Column('certificate_sha256', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reviewer_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviewer_certificates'))
    )
    op.create_table('template_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer_type', sa.String(length=20), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('computed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['audit_templates.id'], name=op.f('fk_template_criteria_template_id_audit_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_criteria')),
    sa.UniqueConstraint('template_id', 'key', name=op.f('uq_template_criteria_template_id_key'))
    )
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('progress_note', sa.Text(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_actions_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    op.create_table('finding_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('earlier_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('shared_terms', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['earlier_id'], ['findings.id'], name=op.f('fk_finding_links_earlier_id_findings')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_finding_links_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_links')),
    sa.UniqueConstraint('finding_id', 'earlier_id', name=op.f('uq_finding_links_finding_id_earlier_id'))
    )
    op.create_table('key_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('numerator', sa.Integer(), nullable=True),
    sa.Column('denominator', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('low', sa.Float(), nullable=True),
    sa.Column('high', sa.Float(), nullable=True),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.Column('missing_in_source', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_key_figures_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_figures'))
    )
    op.create_table('self_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('proposed_status', sa.String(length=60), nullable=False),
    sa.Column('readiness', sa.String(length=30), nullable=False),
    sa.Column('preparer', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_self_assessments_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_assessments')),
    sa.UniqueConstraint('finding_id', name=op.f('uq_self_assessments_finding_id'))
    )
    op.create_table('audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('plan', sa.JSON(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=True),
    sa.Column('population_name', sa.Text(), nullable=False),
    sa.Column('population_fingerprint', sa.String(length=80), nullable=False),
    sa.Column('population_size', sa.Integer(), nullable=True),
    sa.Column('population_strata', sa.JSON(), nullable=False),
    sa.Column('column_mapping', sa.JSON(), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('rag_rule', sa.String(length=30), nullable=False),
    sa.Column('baseline_figure_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['baseline_figure_id'], ['key_figures.id'], name=op.f('fk_audits_baseline_figure_id_key_figures')),
    sa.ForeignKeyConstraint(['template_id'], ['audit_templates.id'], name=op.f('fk_audits_template_id_audit_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audits'))
    )
    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('figure_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=True),
    sa.Column('baseline_label', sa.Text(), nullable=False),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['figure_id'], ['key_figures.id'], name=op.f('fk_measures_figure_id_key_figures')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_measures_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures'))
    )
    op.create_table('sign_offs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('self_assessment_id', sa.Integer(), nullable=True),
    sa.Column('pack_version_id', sa.Integer(), nullable=True),
    sa.Column('reviewer', sa.String(length=120), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pack_version_id'], ['pack_versions.id'], name=op.f('fk_sign_offs_pack_version_id_pack_versions')),
    sa.ForeignKeyConstraint(['self_assessment_id'], ['self_assessments.id'], name=op.f('fk_sign_offs_self_assessment_id_self_assessments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_offs'))
    )
    op.create_table('audit_findings',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_audit_findings_audit_id_audits')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_audit_findings_finding_id_findings')),
    sa.PrimaryKeyConstraint('audit_id', 'finding_id', name=op.f('pk_audit_findings'))
    )
    op.create_table('measure_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['measures.id'], name=op.f('fk_measure_points_measure_id_measures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_points')),
    sa.UniqueConstraint('measure_id', 'period', name=op.f('uq_measure_points_measure_id_period'))
    )
    op.create_table('sampled_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.Column('stratum', sa.String(length=200), nullable=True),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('reserve', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('unusable_reason', sa.Text(), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_sampled_cases_audit_id_audits')),
    sa.ForeignKeyConstraint(['replaces_id'], ['sampled_cases.id'], name=op.f('fk_sampled_cases_replaces_id_sampled_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sampled_cases')),
    sa.UniqueConstraint('audit_id', 'ref', name=op.f('uq_sampled_cases_audit_id_ref'))
    )
    op.create_table('evidence_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_evidence_links_action_id_actions')),
    sa.ForeignKeyConstraint(['audit_id'], ['audits.id'], name=op.f('fk_evidence_links_audit_id_audits')),
    sa.ForeignKeyConstraint(['case_id'], ['sampled_cases.id'], name=op.f('fk_evidence_links_case_id_sampled_cases')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_evidence_links_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_evidence_links_finding_id_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_links'))
    )
    op.create_table('responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=80), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('computed', sa.Boolean(), nullable=False),
    sa.Column('working', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('answered_by', sa.String(length=120), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['sampled_cases.id'], name=op.f('fk_responses_case_id_sampled_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('case_id', 'criterion_key', 'role', name=op.f('uq_responses_case_id_criterion_key_role'))
    )
    # the change log starts from a genesis hash; writers lock this row to append
    op.bulk_insert(
        sa.table("change_log_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                 sa.column("hash", sa.String)),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )


def downgrade() -> None:
    op.drop_table('responses')
    op.drop_table('evidence_links')
    op.drop_table('sampled_cases')
    op.drop_table('measure_points')
    op.drop_table('audit_findings')
    op.drop_table('sign_offs')
    op.drop_table('measures')
    op.drop_table('audits')
    op.drop_table('self_assessments')
    op.drop_table('key_figures')
    op.drop_table('finding_links')
    op.drop_table('actions')
    op.drop_table('template_criteria')
    op.drop_table('reviewer_certificates')
    op.drop_table('pack_versions')
    op.drop_table('findings')
    op.drop_table('evidence')
    op.drop_table('users')
    op.drop_table('pseudonym_keys')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspections_text_fingerprint'))

    op.drop_table('inspections')
    op.drop_table('force_settings')
    op.drop_table('evidence_blobs')
    op.drop_table('change_log_head')
    op.drop_table('change_log')
    op.drop_table('audit_templates')
