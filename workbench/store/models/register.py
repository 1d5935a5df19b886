"""The register between inspections: each status line's dated history and two-step closures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow


class StatusChange(Base):
    """One move on a finding's status line ("inspectorate" or "force"), dated, with its comment."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    line: Mapped[str] = mapped_column(String(20))  # inspectorate | force
    from_status: Mapped[str] = mapped_column(String(60), default="")
    to_status: Mapped[str] = mapped_column(String(60))
    on: Mapped[date] = mapped_column(Date)  # the date the status took effect (may precede recording)
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClosureProposal(Versioned, Base):
    """The force proposes closing a finding with its evidence; then the inspectorate or committee authorises."""

    __tablename__ = "closure_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed | authorised | withdrawn
    rationale: Mapped[str] = mapped_column(Text, default="")
    evidence_ids: Mapped[Any] = mapped_column(JSON, default=list)
    demonstration_from: Mapped[date] = mapped_column(Date)
    demonstration_to: Mapped[date] = mapped_column(Date)
    proposed_by: Mapped[str] = mapped_column(String(120), default="")
    proposed_on: Mapped[date] = mapped_column(Date)
    authorised_by: Mapped[str | None] = mapped_column(String(20), default=None)  # inspectorate | committee
    authorised_on: Mapped[date | None] = mapped_column(Date, default=None)
    basis: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
