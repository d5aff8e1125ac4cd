"""The voting service's tables: edition and finalist replicas, votes, counters, decisions.

A person is the keyed hash of their normalised e-mail address; the clear address is kept
only until the confirmation mail has gone out. Counts per finalist and status are kept in
`vote_counts` (in shards, so that votes for one finalist do not wait on one row), changed
in the same transaction as the votes they count, so the tally never scans the votes.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import NAMING, UTCDateTime
from shared.editions import EditionColumns
from shared.finalists import FinalistColumns
from shared.models import utcnow

VOTE_STATUSES = ("unconfirmed", "counted", "quarantined", "rejected")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Edition(EditionColumns, Base):
    """The schedule of an edition as the hub last sent it, and when its tally went out."""

    __tablename__ = "editions"

    # The voting_close for which the final tally was sent; a later close sends again.
    tally_sent_for: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When voters' personal data were last erased (services/voting/erasure.py).
    voters_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The edition's own key of its voter hashes (edition_keys.py); dropped with the hashes.
    hash_key: Mapped[str | None] = mapped_column(String(64), default=lambda: secrets.token_hex(32))


class Finalist(FinalistColumns, Base):
    """A finalist one can vote for, as the hub last sent the edition's set, with its picture
    (shared.schemas.contest.PictureSchema: the hub's addresses and the alt text) or None."""

    __tablename__ = "finalists"

    picture: Mapped[dict | None] = mapped_column(JSON)


class Vote(Base):
    """One person's vote in one edition: unconfirmed, then counted or quarantined; staff may
    release (count) or reject it. `reasons` are the fraud signals that held it; `evidence`
    what each signal scored (fraud.py), on a counted vote too."""

    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("edition_id", "person_hash"),
        Index("ix_votes_edition_status_created", "edition_id", "status", "created_at"),
        # Fraud signals (fraud.py): votes from one network in a window, clicks from one network,
        # addresses of one shape in an edition (both columns: on edition_id alone SQLite
        # may choose to scan the whole edition instead).
        Index("ix_votes_network_created", "network", "created_at"),
        Index("ix_votes_shape_edition", "shape_hash", "edition_id"),
        Index("ix_votes_domain_edition", "domain_hash", "edition_id"),
        Index("ix_votes_confirm_network_confirmed", "confirm_network", "confirmed_at"),
        # The check page finds a vote by its receipt (receipts.py).
        Index("ix_votes_edition_receipt", "edition_id", "receipt", unique=True),
        # Votes holding a clear address: the few whose mail is due or on its way (jobs.py).
        Index(
            "ix_votes_mail_due",
            "mailed_at",
            sqlite_where=text("email IS NOT NULL"),
            postgresql_where=text("email IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    finalist_id: Mapped[str] = mapped_column(String(64), index=True)
    person_hash: Mapped[str] = mapped_column(String(64))
    # Keyed hash of the address with digits taken out of its local part (name1@, name2@ ...).
    shape_hash: Mapped[str] = mapped_column(String(64))
    # Keyed hash of the address's domain; None at a public mailbox provider (people.py).
    domain_hash: Mapped[str | None] = mapped_column(String(64))
    # How machine-made the mailbox name looked at intake, 0 to 1 (machine_names.py).
    machine_name: Mapped[float | None] = mapped_column(Float)
    email: Mapped[str | None] = mapped_column(String(320))  # as typed; erased once mailed
    lang: Mapped[str] = mapped_column(String(5), default="nl")
    status: Mapped[str] = mapped_column(String(12), default="unconfirmed")
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # The fraud signals' scores when it was confirmed ({reason: score}) and their total.
    evidence: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    network: Mapped[str | None] = mapped_column(String(64))  # /24 or /64
    confirm_network: Mapped[str | None] = mapped_column(String(64))  # where the link was clicked
    form_seconds: Mapped[float | None] = mapped_column(Float)
    honeypot: Mapped[bool] = mapped_column(Boolean, default=False)
    # The word a shared link carried (?via=whatsapp): how the vote reached the form, never
    # who cast it (services/voting/share.py).
    via: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its mail was queued, then sent; None with an address kept: a mail is due.
    mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Drawn at random when the vote is confirmed, shown to the voter (receipts.py).
    receipt: Mapped[str | None] = mapped_column(String(16))


class VoteCount(Base):
    """How many votes of an edition are in a status, per finalist, in one shard of the
    counter: the tally's source, which adds the shards up (tally.py)."""

    __tablename__ = "vote_counts"

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    finalist_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, server_default=text("0"))
    votes: Mapped[int] = mapped_column(Integer, default=0)


class VoteDecision(Base):
    """The audit log: every change of a vote's status after confirmation, by whom and why."""

    __tablename__ = "vote_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[str] = mapped_column(ForeignKey("votes.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    staff: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Bulletin(Base):
    """A public bulletin of an edition's vote (bulletin.py): the document in its canonical
    form, without its hash, and that hash. Made at each close and by each staff decision
    after it that changes the figures; the one it replaces keeps its hash and says when."""

    __tablename__ = "bulletins"
    __table_args__ = (Index("ix_bulletins_edition_made", "edition_id", "made_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the voting_close it is of
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(12))  # why it was made: close or review
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    replaced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class JurorPerson(Base):
    """A juror of an edition, as the keyed hash of their address (from jury): jurors may not
    vote, so a juror's confirmed vote is held for staff with the reason `juror`."""

    __tablename__ = "juror_persons"

    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    person_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
