"""The public bulletin of an edition's vote: per finalist its counted votes and the sorted
receipts of those votes, the numbers held for review and rejected, and the SHA-256 of that
document in its canonical form, so that anyone can check their own vote and the count.

A bulletin is made at each close (closing.py) and again by each staff decision after the
close that changes it (decisions.py), in the transaction of that change, and stored: the
newest is the bulletin; the ones before stay listed with their hash and when they were
replaced, and the newer one says why (`review`: staff decided on votes). It holds no
address, hash of an address or network: receipts are random (receipts.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.voting import tally
from services.voting.models import Bulletin, Edition, Finalist, Vote
from shared.finalists import finalists_of
from shared.models import utcnow

CLOSE, REVIEW = "close", "review"  # why a bulletin was made


def canonical(document: dict) -> bytes:
    """The document as the hash is taken over: sorted keys, no spaces, UTF-8."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def document(session: Session, edition: Edition) -> dict:
    """The edition's bulletin now, without its hash: the counted votes' receipts per
    finalist (in the hub's order), and the held and rejected votes from the tally."""
    receipts: dict[str, list[str]] = defaultdict(list)
    counted = select(Vote.finalist_id, Vote.receipt).where(
        Vote.edition_id == edition.id, Vote.status == "counted"
    )
    for finalist_id, receipt in session.execute(counted):
        receipts[finalist_id].append(receipt)
    figures = tally.tally(session, edition)
    finalists = [
        {"finalist_id": f.id, "votes": len(receipts[f.id]), "receipts": sorted(receipts[f.id])}
        for f in finalists_of(session, Finalist, edition.id)
    ]
    return {
        "edition": edition.slug,
        "closed_at": edition.voting_close.astimezone(dt.UTC).isoformat(),
        "finalists": finalists,
        "held": figures["quarantined"],
        "rejected": figures["rejected"],
    }


def _unsaved(session: Session, edition: Edition, reason: str) -> Bulletin:
    text = canonical(document(session, edition))
    return Bulletin(
        edition_id=edition.id,
        closed_at=edition.voting_close,
        document=text.decode("utf-8"),
        sha256=hashlib.sha256(text).hexdigest(),
        reason=reason,
        made_at=utcnow(),
    )


def newest(session: Session, edition: Edition) -> Bulletin | None:
    """The edition's stored bulletin not replaced yet, for its current close; else None."""
    return session.scalar(
        select(Bulletin).where(
            Bulletin.edition_id == edition.id,
            Bulletin.closed_at == edition.voting_close,
            Bulletin.replaced_at.is_(None),
        )
    )


def make(session: Session, edition: Edition, reason: str) -> Bulletin:
    """Store the edition's bulletin as it is now, replacing the newest one when it differs
    (the same figures keep their bulletin). Bulletins of an edition are made one at a time:
    its row is locked first, so two decisions at once each see the other's."""
    session.execute(select(Edition.id).where(Edition.id == edition.id).with_for_update())
    made = _unsaved(session, edition, reason)
    held = session.scalar(
        select(Bulletin).where(Bulletin.edition_id == edition.id, Bulletin.replaced_at.is_(None))
    )
    if held is not None and held.sha256 == made.sha256:
        return held
    if held is not None:
        held.replaced_at = made.made_at
    session.add(made)
    session.flush()
    return made


def public(session: Session, edition: Edition, now: dt.datetime | None = None) -> Bulletin | None:
    """The bulletin the public sees: None before voting_close; the stored one after it, or,
    in the moment between the close and its duty storing it, the same document made now."""
    if (now or utcnow()) < edition.voting_close:
        return None
    return newest(session, edition) or _unsaved(session, edition, CLOSE)


def canonical_bytes(bulletin: Bulletin) -> bytes:
    """The bulletin's document exactly as its hash was taken."""
    return bulletin.document.encode("utf-8")


def body(bulletin: Bulletin) -> bytes:
    """A bulletin as the API answers it: its document with the `sha256` key added, written
    straight onto the stored text (`sha256` sorts after every other key, so the answer is
    canonical too) instead of parsing and writing megabytes again for every reader."""
    return canonical_bytes(bulletin)[:-1] + f',"sha256":"{bulletin.sha256}"}}'.encode()


def replaced(session: Session, edition: Edition) -> list[tuple[Bulletin, str]]:
    """Each replaced bulletin of the edition, oldest first, with the reason its successor
    was made for: why it was replaced."""
    query = select(Bulletin).where(Bulletin.edition_id == edition.id).order_by(Bulletin.id)
    return [(old, newer.reason) for old, newer in itertools.pairwise(session.scalars(query))]


def by_hash(session: Session, edition: Edition, sha256: str) -> Bulletin | None:
    """The edition's stored bulletin with this hash (a replaced one too), or None."""
    return session.scalar(
        select(Bulletin)
        .where(Bulletin.edition_id == edition.id, Bulletin.sha256 == sha256)
        .order_by(Bulletin.id.desc())
        .limit(1)
    )
