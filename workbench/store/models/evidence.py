"""Evidence files stored by SHA-256 inside the workspace, and what they support."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow


class EvidenceBlob(Base):
    __tablename__ = "evidence_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Evidence(Versioned, Base):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blobs.sha256"), index=True)
    title: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(400))
    media_type: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger)
    evidence_date: Mapped[date | None] = mapped_column(Date, default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    classification: Mapped[str] = mapped_column(String(60), default="OFFICIAL-SENSITIVE")
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)  # when it stops supporting a finding


class EvidenceLink(Base):
    """Links evidence to exactly one finding, audit, case or action."""

    __tablename__ = "evidence_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"), index=True, default=None)
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"), index=True, default=None)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("sampled_cases.id"), index=True, default=None)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
