"""A person's votes for a privacy request: exported, or made anonymous.

The request names the person by the keyed hash of their normalised address, which is what
voting keeps. Erasing replaces the hashes by random stand-ins and drops the networks and any
clear address still waiting for its mail: the vote stays in the tally, without a person, and
so do the staff decisions on it. A juror's entry (jurors may not vote) goes too.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, false, or_, select
from sqlalchemy.orm import Session

from services.voting.edition_keys import in_edition
from services.voting.models import Edition, Finalist, JurorPerson, Vote
from shared.outbox_pruning import forget_mentions
from shared.privacy import request_handler


def act(session: Session, person_hash: str, erase: bool) -> tuple[dict, dict]:
    """Export or erase the votes of the person behind `person_hash`, in every edition (each
    keeps it under its own key: edition_keys.py)."""
    hashes = {e.id: in_edition(e.hash_key, person_hash) for e in session.scalars(select(Edition))}
    votes = list(session.scalars(select(Vote).where(_theirs(Vote, hashes))))
    juror_of = _theirs(JurorPerson, hashes)
    count = len(session.scalars(select(JurorPerson.edition_id).where(juror_of)).all())
    data = {"votes": [_view(session, v) for v in votes], "listed_as_juror": count}
    if erase:
        for vote in votes:
            forget(vote)
        session.execute(delete(JurorPerson).where(juror_of))
        forget_mentions(session, [person_hash])
    return {"votes": len(votes), "listed_as_juror": count}, data


def _theirs(model, hashes: dict[int, str]):
    """The rows of `model` of the person, who has one hash in each edition."""
    pairs = (and_(model.edition_id == e, model.person_hash == h) for e, h in hashes.items())
    return or_(false(), *pairs)


def forget(vote: Vote) -> None:
    """Take the person out of a vote: its hashes name nobody, its networks and address go."""
    vote.person_hash, vote.shape_hash, vote.domain_hash = f"erased:{vote.id}", "", None
    vote.email = vote.network = vote.confirm_network = vote.form_seconds = None


def _view(session: Session, vote: Vote) -> dict:
    edition = session.get(Edition, vote.edition_id)
    finalist = session.get(Finalist, vote.finalist_id)
    return {
        "edition": edition.slug,
        "finalist_id": vote.finalist_id,
        "finalist": finalist.name if finalist else None,
        "status": vote.status,
        "cast_at": vote.created_at.isoformat(),
        "confirmed_at": vote.confirmed_at.isoformat() if vote.confirmed_at else None,
    }


handle_request = request_handler("voting", act)
