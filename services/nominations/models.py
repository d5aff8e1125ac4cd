"""The hub's tables: editions, nominations and the people who made them, the screening
decisions, finalists and their pictures, the rounds' results and the winners.

A nomination is one innovation of one edition. Whoever puts it forward again (same
organisation and name, or same nominee address) is added to it as a further nominator, so
the innovation is screened once and its support is counted.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import NAMING, UTCDateTime
from shared.editions import EditionColumns
from shared.models import utcnow

STATUSES = ("unconfirmed", "submitted", "accepted", "rejected")


def new_id() -> str:
    """A random public id (UUID4), so ids tell nothing about how many nominations exist."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Edition(EditionColumns, Base):
    """One yearly edition of the contest and its schedule; voting and jury keep replicas."""

    __tablename__ = "editions"

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its rules (tie_break, public_tally) were fixed: the voting_open that had passed
    # when a later change came (so moving voting_open later does not reopen them; rules.py).
    rules_fixed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When its nominators' and nominees' details were last erased (retention.py).
    people_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class EditionChange(Base):
    """The editions' audit log: each field staff changed, from what to what, by whom, when."""

    __tablename__ = "edition_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[object] = mapped_column(JSON)
    new: Mapped[object] = mapped_column(JSON)
    staff: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Nomination(Base):
    """An innovation put forward for an edition, as its first nominator described it.

    `seq` orders the staff list (its pages' cursor); `id` is the public id, also the
    finalist's id. `name_key` and `email_key` find the same innovation nominated again.
    """

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("edition_id", "name_key", name="uq_nominations_edition_name_key"),
        UniqueConstraint("edition_id", "email_key", name="uq_nominations_edition_email_key"),
        Index("ix_nominations_edition_status_seq", "edition_id", "status", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="unconfirmed")
    nominee_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    nominee_email: Mapped[str] = mapped_column(String(320))
    website: Mapped[str] = mapped_column(String(300), default="")
    region: Mapped[str] = mapped_column(String(40))
    theme: Mapped[str] = mapped_column(String(40))
    problem: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str] = mapped_column(String(420))
    email_key: Mapped[str] = mapped_column(String(320))
    # Confirmed nominations of this innovation (the first one and every duplicate).
    nomination_count: Mapped[int] = mapped_column(Integer, default=0)
    # The nominee asked not to be named in public (staff still see everything); a request
    # from the decline link counts only once staff verified the nominee's address, as
    # the address is whatever the first nominator typed.
    declined_public_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decline_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    nominee_verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    nominee_mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    edition: Mapped[Edition] = relationship()
    nominators: Mapped[list[Nominator]] = relationship(
        back_populates="nomination", order_by="Nominator.created_at", lazy="selectin"
    )
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id", lazy="selectin")
    picture: Mapped[Picture | None] = relationship()

    @property
    def public(self) -> bool:
        """Whether the nominee's name and organisation may be shown in public."""
        return self.declined_public_at is None

    @property
    def nominator_name(self) -> str:
        """The name of whoever nominated the innovation first: the contact staff see ("" once
        every nominator is erased)."""
        return self.nominators[0].name if self.nominators else ""

    @property
    def nominator_email(self) -> str:
        """The address of whoever nominated the innovation first ("" once erased)."""
        return self.nominators[0].email if self.nominators else ""


class Nominator(Base):
    """One person's nomination of an innovation: theirs to confirm with the link mailed to
    them (single use: `confirmed_at` records it), with the texts they sent (`texts`; the
    nomination shows the first nominator's). One person (`email_key`, the normalised
    address) nominates an innovation once, so a repeat does not raise its count."""

    __tablename__ = "nominators"
    __table_args__ = (
        UniqueConstraint("nomination_id", "email_key", name="uq_nominators_nomination_email_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    lang: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    nomination: Mapped[Nomination] = relationship(back_populates="nominators")


class Decision(Base):
    """The screening audit log: each decision on a nomination, by whom, when and why."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    staff: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Finalist(Base):
    """An accepted nomination chosen as a finalist of its edition, in the staff's order."""

    __tablename__ = "finalists"

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    chosen_by: Mapped[str] = mapped_column(String(80))
    chosen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    nomination: Mapped[Nomination] = relationship(lazy="joined")


class Picture(Base):
    """A finalist's picture: who gave it and its alt text in both languages. Only its safe
    renditions are kept (services/nominations/images.py), never the upload itself."""

    __tablename__ = "pictures"

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    alt_nl: Mapped[str] = mapped_column(Text, default="")
    alt_en: Mapped[str] = mapped_column(Text, default="")
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    files: Mapped[list[PictureFile]] = relationship(
        order_by="PictureFile.kind", lazy="selectin", cascade="all, delete-orphan"
    )


class PictureFile(Base):
    """One size of a picture, as served: named by the hash of its bytes, kept in the database
    so that every instance of the hub serves it (the bytes load only when served)."""

    __tablename__ = "picture_files"

    nomination_id: Mapped[str] = mapped_column(
        ForeignKey("pictures.nomination_id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class RoundResult(Base):
    """The latest final figures of a round (`tally` from voting, `ranking` from jury): the
    event's payload as sent, kept only when it is newer, by (closed_at, counted_at), than the
    one held (a later close, or a correction of the same close)."""

    __tablename__ = "round_results"

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Publication(Base):
    """The winners of an edition as staff published them; public from `publish_at` on."""

    __tablename__ = "publications"

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    awards: Mapped[list] = mapped_column(JSON)
    publish_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PrivacyRequest(Base):
    """A person's request for their data or their erasure, as staff filed it. It holds no
    address nor hash of one: the hub acts on its own data when the request is filed and sends
    the keyed hash to voting and jury in the event; `answers` holds each service's summary
    (how many records), `data` an export's findings until the request is purged."""

    __tablename__ = "privacy_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(10))
    # The event that asked voting and jury; its person hash is blanked once both answered.
    event_id: Mapped[str] = mapped_column(String(36))
    requested_by: Mapped[str] = mapped_column(String(80))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
