"""A juror's record for a privacy request: exported, or made anonymous.

Jury keeps jurors' addresses as typed (their log-in links go there), so it finds the person
by taking the keyed hash of each juror's address, as voting learned it. Erasing blanks the
juror's name, address and organisation, drops their log-in links, conflict-of-interest
hints and comments, and keeps their submitted
scores: the ranking does not change, but nobody can tell whose scores they were.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.jury.models import ConflictHint, Edition, Finalist, Juror, LoginLink, Scorecard
from shared.backends import backends
from shared.outbox_pruning import forget_mentions
from shared.people import identify
from shared.privacy import request_handler


def act(session: Session, person_hash: str, erase: bool) -> tuple[dict, dict]:
    """Export or erase the juror records of the person behind `person_hash`."""
    settings = backends().settings
    jurors = [
        j
        for j in session.scalars(select(Juror).where(Juror.email != ""))
        if identify(settings, j.email).hash == person_hash
    ]
    data = {"jurors": [_view(session, j) for j in jurors]}
    if erase:
        named = [j.name for j in jurors] + [j.email for j in jurors]
        forget_mentions(session, [person_hash, *named])
        for juror in jurors:
            _forget(session, juror)
    return {"jurors": len(jurors)}, data


def _forget(session: Session, juror: Juror) -> None:
    juror.name = juror.email = juror.organisation = ""
    juror.email_key = f"erased:{juror.id}"
    session.execute(delete(LoginLink).where(LoginLink.juror_id == juror.id))
    session.execute(delete(ConflictHint).where(ConflictHint.juror_id == juror.id))
    for card in session.scalars(select(Scorecard).where(Scorecard.juror_id == juror.id)):
        card.comment = ""


def _view(session: Session, juror: Juror) -> dict:
    cards = session.scalars(select(Scorecard).where(Scorecard.juror_id == juror.id)).all()
    return {
        "edition": session.get(Edition, juror.edition_id).slug,
        "name": juror.name,
        "email": juror.email,
        "organisation": juror.organisation,
        "invited_at": juror.created_at.isoformat(),
        "scorecards": [_card(session, c) for c in cards],
    }


def _card(session: Session, card: Scorecard) -> dict:
    finalist = session.get(Finalist, card.finalist_id)
    return {
        "finalist_id": card.finalist_id,
        "finalist": finalist.name if finalist else None,
        "scores": card.scores,
        "comment": card.comment,
        "recused": card.recused,
        "status": card.status,
        "submitted_at": card.submitted_at.isoformat() if card.submitted_at else None,
    }


handle_request = request_handler("jury", act)
