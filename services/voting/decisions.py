"""Staff decisions on confirmed votes: release (count) or reject, one or many at once.

Every change goes through `tally.move` (the counters change with the vote) and leaves a
`VoteDecision` row in the same transaction: the audit log says who decided what, when and
why. A vote keeps the reasons it was held for, so the integrity report can say what became
of the votes each signal held.
"""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.voting.bulletin import REVIEW
from services.voting.closing import send_tally
from services.voting.models import Edition, Vote, VoteDecision
from services.voting.tally import move
from shared.schemas.review import MAX_IDS


def decide(session: Session, vote: Vote, status: str, note: str, staff: str) -> bool:
    """Move a confirmed vote to `status` (counted or rejected) and log the decision;
    False when it already had that status (nothing to log). 409 for an unconfirmed vote:
    only its voter can confirm it."""
    if vote.status == "unconfirmed":
        raise Conflict("This vote is not confirmed: only its voter can confirm it.")
    if vote.status == status:
        return False
    session.add(
        VoteDecision(
            vote_id=vote.id, from_status=vote.status, to_status=status, staff=staff, note=note
        )
    )
    move(session, vote, status)
    return True


def decide_many(session: Session, votes: list[Vote], status: str, note: str, staff: str) -> dict:
    """Decide on each vote (unconfirmed ones are left as they are); how many changed."""
    changed = 0
    for vote in votes:
        if vote.status != "unconfirmed":
            changed += decide(session, vote, status, note, staff)
    return {"changed": changed, "unchanged": len(votes) - changed}


def decide_in_bulk(session: Session, edition: Edition, data: dict, staff: str) -> dict:
    """A decision on many votes (BulkDecisionSchema): the listed `ids`, or the quarantined
    votes matching `filter`; what changed, and how many matching votes are still held. The
    final tally goes out again when a closed edition's counts changed."""
    if "ids" in data:
        votes, held = listed(session, edition.id, data["ids"]), None
    else:
        votes, held = quarantined_matching(session, edition.id, data["filter"])
    result = decide_many(session, votes, data["status"], data["note"], staff)
    result["remaining"] = 0 if held is None else held - result["changed"]
    if result["changed"]:
        resend_final_tally(session, edition)
    return result


def listed(session: Session, edition_id: int, ids: list[str]) -> list[Vote]:
    """The edition's votes with these ids, locked; a 422 naming any id that is not one."""
    wanted = set(ids)
    query = select(Vote).where(Vote.edition_id == edition_id, Vote.id.in_(wanted))
    votes = list(session.scalars(query.with_for_update()))
    unknown = wanted - {vote.id for vote in votes}
    if unknown:
        raise ValidationError(
            {"ids": [f"not a vote of this edition: {i}" for i in sorted(unknown)]}
        )
    return votes


def resend_final_tally(session: Session, edition: Edition) -> None:
    """After decisions on a closed edition whose final tally went out, send the tally again
    (same close) with a new bulletin, so the hub's results follow staff's review."""
    if edition.tally_sent_for == edition.voting_close:
        send_tally(session, edition, REVIEW)


def held_for(reason: str):
    """A condition on votes: held (at some point) for `reason`. The reasons are a JSON list
    of fixed codes, none part of another, so matching its quoted text is exact and works on
    every database."""
    return cast(Vote.reasons, String).like(f'%"{reason}"%')


def matching(edition_id: int, rules: dict) -> Select:
    """The edition's votes that match `rules` (any of status, reason, network, finalist_id,
    and a score band: min_score included, max_score excluded)."""
    query = select(Vote).where(Vote.edition_id == edition_id)
    if "reason" in rules:
        query = query.where(held_for(rules["reason"]))
    if "min_score" in rules:
        query = query.where(Vote.score >= rules["min_score"])
    if "max_score" in rules:
        query = query.where(Vote.score < rules["max_score"])
    for name in ("status", "network", "finalist_id"):
        if name in rules:
            query = query.where(getattr(Vote, name) == rules[name])
    return query


def quarantined_matching(session: Session, edition_id: int, rules: dict) -> tuple[list[Vote], int]:
    """The first MAX_IDS quarantined votes of the edition matching `rules`, locked for the
    decision; and how many match in all."""
    query = matching(edition_id, rules | {"status": "quarantined"})
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    votes = list(session.scalars(query.order_by(Vote.id).limit(MAX_IDS).with_for_update()))
    return votes, total
