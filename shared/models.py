"""The tables each service keeps for the event bus and for staff access."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import SharedBase, UTCDateTime


def utcnow() -> dt.datetime:
    """The current moment, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class StaffToken(SharedBase):
    """A staff API token: only its SHA-256 is stored; revoked tokens are kept for the record."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def grants(self, scope: str) -> bool:
        """Whether this token carries `scope` (admin carries every scope)."""
        scopes = self.scopes.split()
        return scope in scopes or "admin" in scopes


class OutboxEvent(SharedBase):
    """An event for one consumer, written in the transaction of the change that caused it.

    state: pending (not yet in a queue), sent (in the job `job_id`), acked (applied by the
    consumer), failed (its job ended in rq's failed registry after its retries). `solo`
    events travel in a job of their own, with retries: they were in a batch that failed.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36))
    destination: Mapped[str] = mapped_column(String(40))
    envelope: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    job_id: Mapped[str | None] = mapped_column(String(120), index=True)
    solo: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AppliedEvent(SharedBase):
    """The consumer's record of an event it applied: its primary key makes applying idempotent."""

    __tablename__ = "applied_events"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(40))
    applied_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, server_default=func.now()
    )
