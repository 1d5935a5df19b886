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


class PlannedAudit(Versioned, Base):
    """A line of the yearly assurance plan: an audit that recurs, rotating across crime types or districts.

    `started` maps each occurrence ("2025-04") to the audit that was started from it."""

    __tablename__ = "planned_audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)  # the plan year its first occurrence falls in
    title: Mapped[str] = mapped_column(Text)
    template_key: Mapped[str] = mapped_column(String(80))
    finding_ids: Mapped[Any] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(120), default="")
    month_due: Mapped[int] = mapped_column(Integer)  # 1-12: the first occurrence's month
    recurrence: Mapped[str] = mapped_column(String(20), default="annual")  # quarterly | six-monthly | annual
    rotation_kind: Mapped[str] = mapped_column(String(40), default="")  # crime type | district | ""
    rotation: Mapped[Any] = mapped_column(JSON, default=list)  # e.g. ["Breckland", "Norwich", ...]
    based_on_audit_id: Mapped[int | None] = mapped_column(ForeignKey("audits.id"), index=True, default=None)
    started: Mapped[Any] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(120), default="")


class TrackerRow(Versioned, Base):
    """A row of a force's own tracker, imported into the register (services/tracker_import.py).

    `row_key` is the row's own key in the tracker (its source and reference as written, or its
    text), so importing the tracker again, or an updated copy, finds the same finding. `values`
    holds every column as last imported (the columns mapped to no field are also kept in the
    finding's notes)."""

    __tablename__ = "tracker_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    row_key: Mapped[str] = mapped_column(String(300), unique=True)
    tracker: Mapped[str] = mapped_column(String(400), default="")  # the file it was last imported from
    sheet_row: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[Any] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
