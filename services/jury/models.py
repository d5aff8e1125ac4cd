"""The jury service's tables: edition and finalist replicas, criteria, jurors, their login
links and their scorecards (one per juror and finalist: a draft, then submitted)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import NAMING, UTCDateTime
from shared.editions import EditionColumns
from shared.finalists import FinalistColumns
from shared.models import utcnow

NORMALISATIONS = ("none", "zscore")
DRAFT, SUBMITTED = "draft", "submitted"


def new_id() -> str:
    """A fresh random id (UUID4) as a string."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Edition(EditionColumns, Base):
    """The schedule of an edition as the hub last sent it, and the jury's own choices."""

    __tablename__ = "editions"

    # How a juror's scores are compared: as given, or as z-scores per juror.
    normalisation: Mapped[str] = mapped_column(String(10), default="none")
    # The jury_close for which the final ranking was sent; a later close sends again.
    ranking_sent_for: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When its jurors' addresses were last erased (services/jury/retention.py).
    jurors_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Finalist(FinalistColumns, Base):
    """A finalist the jury scores, as the hub last sent the edition's set: its whole dossier,
    with the real name even when the nominee declined publicity."""

    __tablename__ = "finalists"

    # The keyed hash of the nominee's own mail domain (none for a public mailbox provider):
    # a juror at that domain may know the finalist (conflicts.py).
    nominee_domain_hash: Mapped[str | None] = mapped_column(String(64))


class Criterion(Base):
    """A weighted criterion of an edition, scored from 1 to 10."""

    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("edition_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(120))
    weight: Mapped[float] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer)


class CriteriaChange(Base):
    """The criteria's audit log: each replacement of an edition's set, by whom and when."""

    __tablename__ = "criteria_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    old: Mapped[list] = mapped_column(JSON)  # [{"key", "label", "weight"}] as they were
    new: Mapped[list] = mapped_column(JSON)
    staff: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Juror(Base):
    """A jury member of one edition, invited by staff; `email` as typed, `email_key` to find
    them again when they ask for a new link."""

    __tablename__ = "jurors"
    __table_args__ = (UniqueConstraint("edition_id", "email_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320), index=True)
    lang: Mapped[str] = mapped_column(String(5), default="nl")
    # Where the juror works, if staff said so: compared with the finalists' (conflicts.py).
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    invited_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginLink(Base):
    """One login link sent to a juror; `used_at` makes it single use."""

    __tablename__ = "login_links"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    juror_id: Mapped[str] = mapped_column(ForeignKey("jurors.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Scorecard(Base):
    """A juror's work on one finalist: scores per criterion key, a comment, a recusal.

    `status` is draft until submitted; a submitted card is locked until staff reopen it.
    `revision` grows with every save, so the browser can tell its own copy from a newer one.
    """

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("juror_id", "finalist_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[str] = mapped_column(ForeignKey("jurors.id", ondelete="CASCADE"))
    finalist_id: Mapped[str] = mapped_column(String(64), index=True)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    recused: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ConflictHint(Base):
    """Why a juror may know a finalist (conflicts.py `Reason` values), found when the juror
    was invited or the finalists changed; the juror sees it beside the recusal choice."""

    __tablename__ = "conflict_hints"

    juror_id: Mapped[str] = mapped_column(
        ForeignKey("jurors.id", ondelete="CASCADE"), primary_key=True
    )
    finalist_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reasons: Mapped[list] = mapped_column(JSON)
    found_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """A reminder mailed to a juror with a fresh login link: by the schedule
    (`hours_before` the `for_close` jury_close, once each) or by staff (`sent_by`)."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("juror_id", "hours_before", "for_close"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[str] = mapped_column(ForeignKey("jurors.id", ondelete="CASCADE"), index=True)
    hours_before: Mapped[int | None] = mapped_column(Integer)
    for_close: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_by: Mapped[str] = mapped_column(String(80), default="")
    # Finalists the juror had not submitted yet when it went out.
    open_finalists: Mapped[int] = mapped_column(Integer)
    link_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    juror: Mapped[Juror] = relationship(lazy="joined")
