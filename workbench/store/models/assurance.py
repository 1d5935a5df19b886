"""Self-assessments, pack versions and sign-offs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow


class SelfAssessment(Versioned, Base):
    __tablename__ = "self_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), unique=True)
    narrative: Mapped[str] = mapped_column(Text, default="")
    proposed_status: Mapped[str] = mapped_column(String(60), default="")
    readiness: Mapped[str] = mapped_column(String(30), default="")
    preparer: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[str] = mapped_column(String(20), default="draft")  # draft|submitted|returned|approved
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PackVersion(Versioned, Base):
    """A built pack; once approved its snapshot and files never change."""

    __tablename__ = "pack_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")  # draft|submitted|returned|approved|superseded
    scope: Mapped[Any] = mapped_column(JSON, default=list)  # finding ids
    snapshot: Mapped[Any] = mapped_column(JSON, default=dict)
    snapshot_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_blobs.sha256"), default=None)
    xlsx_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_blobs.sha256"), default=None)
    signed_pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_blobs.sha256"), default=None)
    # the release copy (pseudonymised, small cells suppressed), signed at approval with the full pack
    release_pdf_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_blobs.sha256"), default=None)
    release_xlsx_sha256: Mapped[str | None] = mapped_column(ForeignKey("evidence_blobs.sha256"), default=None)
    release_min_cell: Mapped[int | None] = mapped_column(Integer, default=None)
    content_sha256: Mapped[str] = mapped_column(String(64), default="")
    approved_by: Mapped[str | None] = mapped_column(String(120), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    built_by: Mapped[str] = mapped_column(String(120), default="")
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_by: Mapped[int | None] = mapped_column(Integer, default=None)
    # the bundle manifests signed at approval: {variant: {"manifest": sha256, "signature": sha256}},
    # both stored as blobs by SHA-256
    signed_manifests: Mapped[Any] = mapped_column(JSON, default=None, nullable=True)


class SignOff(Base):
    """A reviewer's decision on a self-assessment or pack version (four-eyes)."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    self_assessment_id: Mapped[int | None] = mapped_column(ForeignKey("self_assessments.id"), index=True, default=None)
    pack_version_id: Mapped[int | None] = mapped_column(ForeignKey("pack_versions.id"), index=True, default=None)
    reviewer: Mapped[str] = mapped_column(String(120))
    decision: Mapped[str] = mapped_column(String(20))  # approved | returned
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForceCaCertificate(Base):
    """A force's own certificate authority, imported by an admin: reviewers' certificates it issued
    carry it in their chain, so signatures chain to the force's CA."""

    __tablename__ = "force_ca_certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blobs.sha256"), unique=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
