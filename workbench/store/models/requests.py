"""Evidence requests: what an action owner is asked to send back, for which finding, by when."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow


class EvidenceRequest(Versioned, Base):
    """One request to an owner (a name, a role or an e-mail address, as the force writes it).

    `status` is open, returned (the owner's reply and files came back), accepted or withdrawn;
    `evidence_ids` are the evidence records the returned files became."""

    __tablename__ = "evidence_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True, default=None)
    owner: Mapped[str] = mapped_column(String(200))
    what_needed: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    reply: Mapped[str] = mapped_column(Text, default="")
    returned_on: Mapped[date | None] = mapped_column(Date, default=None)
    evidence_ids: Mapped[Any] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
