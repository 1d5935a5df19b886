"""Users, force settings and the hash-chained change log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.store.models.base import Base, UTCDateTime, Versioned, utcnow


class User(Versioned, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # admin | reviewer | officer | viewer
    passphrase_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ForceSetting(Versioned, Base):
    """One typed force setting (see workbench.force_settings), stored as JSON."""

    __tablename__ = "force_settings"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class ChangeLogEntry(Base):
    """Append-only, hash-chained record of every change (who, when, what)."""

    __tablename__ = "change_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    #: canonical state of every audited row this action wrote ({table: {row id: state or null}});
    #: null only on entries written before the log recorded row states (see store/log_audit.py)
    states: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    # unique: two writers can never chain from the same predecessor (no fork)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ChangeLogHead(Base):
    """Single row naming the newest entry; writers lock it to append in turn."""

    __tablename__ = "change_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class PseudonymKey(Base):
    """Keyed-HMAC secret for pseudonymised exports; never exported."""

    __tablename__ = "pseudonym_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[bytes] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewerCertificate(Base):
    """A reviewer's signing identity (PKCS#12, protected by their passphrase)."""

    __tablename__ = "reviewer_certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    pkcs12: Mapped[bytes] = mapped_column()
    certificate_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(20))  # workspace | imported
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
