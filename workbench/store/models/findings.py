"""Inspections, findings, key figures, links across inspections, measures and actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow


class Inspection(Versioned, Base):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[str] = mapped_column(String(120))  # e.g. "PEEL 2023-25"
    title: Mapped[str] = mapped_column(String(400))
    force_name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    published: Mapped[date | None] = mapped_column(Date, default=None)
    source_name: Mapped[str] = mapped_column(String(400), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    text_fingerprint: Mapped[str] = mapped_column(String(64), default="", index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(120), default="")
    # The register's source (services/register.py): peel | thematic | national | cdi | joint |
    # cause_of_concern_letter | revisit_letter | engage; `published` is its date.
    source_type: Mapped[str] = mapped_column(String(40), default="peel", server_default="peel")
    deadline: Mapped[date | None] = mapped_column(Date, default=None)  # where the source states one
    pcc_response_date: Mapped[date | None] = mapped_column(Date, default=None)  # the PCC's 56-day response
    pcc_response_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    improvement_plan_deadline: Mapped[date | None] = mapped_column(Date, default=None)  # Engage monitoring
    revisit_date: Mapped[date | None] = mapped_column(Date, default=None)

    findings: Mapped[list[Finding]] = relationship(back_populates="inspection", order_by="Finding.position")


class Finding(Versioned, Base):
    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("inspection_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    kind: Mapped[str] = mapped_column(String(30))  # afi | cause_of_concern | recommendation
    ref: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64), default="")
    area: Mapped[str] = mapped_column(String(120), default="")
    area_reason: Mapped[str] = mapped_column(Text, default="")
    area_overridden: Mapped[bool] = mapped_column(Boolean, default=False)
    question: Mapped[str | None] = mapped_column(Text, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)
    source_line: Mapped[int | None] = mapped_column(Integer, default=None)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"), index=True, default=None)
    # the force's status line (services/finding_status.py); its history is in status_changes
    status: Mapped[str] = mapped_column(String(60), default="awaiting allocation")
    owner: Mapped[str] = mapped_column(String(120), default="")
    target_date: Mapped[date | None] = mapped_column(Date, default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    # What the inspectorate printed or wrote about the finding (Completed, Superseded, Closed,
    # Discharged ...), with its date and where it was said; never the force's own status above.
    inspectorate_status: Mapped[str] = mapped_column(String(60), default="", server_default="")
    inspectorate_status_date: Mapped[date | None] = mapped_column(Date, default=None)
    inspectorate_status_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # "force" (addressed to this force) or "all forces" (a thematic or national recommendation
    # recorded as applying to this force)
    addressed_to: Mapped[str] = mapped_column(String(20), default="force", server_default="force")

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    figures: Mapped[list[KeyFigure]] = relationship(back_populates="finding", order_by="KeyFigure.position")


class KeyFigure(Base):
    """A figure a finding cites, with the sentence it came from."""

    __tablename__ = "key_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))  # proportion|percentage|ratio|count|range|period|target
    value: Mapped[float | None] = mapped_column(Float, default=None)
    numerator: Mapped[int | None] = mapped_column(Integer, default=None)
    denominator: Mapped[int | None] = mapped_column(Integer, default=None)
    unit: Mapped[str | None] = mapped_column(String(20), default=None)
    low: Mapped[float | None] = mapped_column(Float, default=None)
    high: Mapped[float | None] = mapped_column(Float, default=None)
    label: Mapped[str] = mapped_column(Text, default="")
    sentence: Mapped[str] = mapped_column(Text, default="")
    missing_in_source: Mapped[bool] = mapped_column(Boolean, default=False)

    finding: Mapped[Finding] = relationship(back_populates="figures")


class FindingLink(Versioned, Base):
    """A suggested or decided link from a finding to an earlier one on the same theme."""

    __tablename__ = "finding_links"
    __table_args__ = (UniqueConstraint("finding_id", "earlier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"))
    earlier_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    shared_terms: Mapped[Any] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default="suggested")  # suggested|accepted|rejected
    # "theme" (same theme) or "carried_forward" (the later inspection carried the earlier finding forward)
    relation: Mapped[str] = mapped_column(String(20), default="theme", server_default="theme")
    decided_by: Mapped[str | None] = mapped_column(String(120), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Measure(Versioned, Base):
    """A KPI with baseline and target, often proposed from a key figure."""

    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"), index=True, default=None)
    figure_id: Mapped[int | None] = mapped_column(ForeignKey("key_figures.id"), index=True, default=None)
    name: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline: Mapped[float | None] = mapped_column(Float, default=None)
    baseline_label: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[float | None] = mapped_column(Float, default=None)
    direction: Mapped[str] = mapped_column(String(10), default="higher")  # higher|lower is better
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed|confirmed|discarded

    points: Mapped[list[MeasurePoint]] = relationship(order_by="MeasurePoint.period")


class MeasurePoint(Base):
    __tablename__ = "measure_points"
    __table_args__ = (UniqueConstraint("measure_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"))
    period: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")


class Action(Versioned, Base):
    """An action-plan item against a finding."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_date: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[str] = mapped_column(String(30), default="not started")  # not started|in progress|done|blocked
    progress_note: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column(Date, default=None)
