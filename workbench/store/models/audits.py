"""Audit templates, audits, sampled cases and fieldwork responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow

audit_findings = Table(
    "audit_findings",
    Base.metadata,
    Column("audit_id", ForeignKey("audits.id"), primary_key=True),
    Column("finding_id", ForeignKey("findings.id"), primary_key=True, index=True),
)


class AuditTemplate(Base):
    """One version of an audit template; immutable once stored (audits pin it)."""

    __tablename__ = "audit_templates"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    definition: Mapped[Any] = mapped_column(JSON)  # the validated template as a dict
    source: Mapped[str] = mapped_column(String(20), default="builtin")  # builtin | imported
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list[TemplateCriterion]] = relationship(order_by="TemplateCriterion.position")


class TemplateCriterion(Base):
    __tablename__ = "template_criteria"
    __table_args__ = (UniqueConstraint("template_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("audit_templates.id"))
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(Text)
    answer_type: Mapped[str] = mapped_column(String(20))
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    computed: Mapped[bool] = mapped_column(Boolean, default=False)


class Audit(Versioned, Base):
    __tablename__ = "audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    template_id: Mapped[int] = mapped_column(ForeignKey("audit_templates.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    series: Mapped[str] = mapped_column(String(120), default="")  # rounds of one audit share a series
    status: Mapped[str] = mapped_column(String(30), default="planned")  # planned|population|drawn|fieldwork|complete
    plan: Mapped[Any] = mapped_column(JSON, default=dict)  # sizing inputs, method, size, reserve, strata field
    seed: Mapped[int | None] = mapped_column(BigInteger, default=None)
    population_name: Mapped[str] = mapped_column(Text, default="")
    population_fingerprint: Mapped[str] = mapped_column(String(80), default="")
    population_size: Mapped[int | None] = mapped_column(Integer, default=None)
    population_strata: Mapped[Any] = mapped_column(JSON, default=dict)
    column_mapping: Mapped[Any] = mapped_column(JSON, default=dict)
    target: Mapped[float | None] = mapped_column(Float, default=None)
    rag_rule: Mapped[str] = mapped_column(String(30), default="lower_bound")
    baseline_figure_id: Mapped[int | None] = mapped_column(ForeignKey("key_figures.id"), index=True, default=None)
    # the criterion compared with the baseline (it counts what the figure counts); None: case compliance
    baseline_measure: Mapped[str | None] = mapped_column(String(64), default=None)
    # how population_fingerprint was computed (docs/sampling.md), and the extract file's own SHA-256
    fingerprint_scheme: Mapped[str] = mapped_column(String(20), default="population-v1",
                                                    server_default="population-v1")
    population_file_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    drawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    template: Mapped[AuditTemplate] = relationship()
    cases: Mapped[list[SampledCase]] = relationship(order_by="SampledCase.order", back_populates="audit")


class SampledCase(Versioned, Base):
    """A case drawn into the sample (or held in reserve), with its case fields."""

    __tablename__ = "sampled_cases"
    __table_args__ = (UniqueConstraint("audit_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id"))
    ref: Mapped[str] = mapped_column(String(200))
    stratum: Mapped[str | None] = mapped_column(String(200), default=None)
    order: Mapped[int] = mapped_column(Integer)
    reserve: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="active")  # active|unusable|reserve|replacement
    unusable_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("sampled_cases.id"), index=True, default=None)
    fields: Mapped[Any] = mapped_column(JSON, default=dict)

    audit: Mapped[Audit] = relationship(back_populates="cases")


class Response(Versioned, Base):
    """An answer to one criterion for one case, by the auditor or a second reviewer."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("case_id", "criterion_key", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("sampled_cases.id"))
    criterion_key: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default="primary")  # primary | second
    value: Mapped[str | None] = mapped_column(Text, default=None)
    computed: Mapped[bool] = mapped_column(Boolean, default=False)
    working: Mapped[str] = mapped_column(Text, default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(120), default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
