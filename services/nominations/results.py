"""Results: the final tally from voting and the final ranking from jury, combined with the
edition's tie rule into the winners it gives.

Each round's figures arrive by event when the round closes, and again if staff reopen and
it closes later: the hub keeps the one with the newest `closed_at`.

The tie rule (written down before voting opens): with `other_award`, finalists level on
votes for the public award are separated by their jury score, and finalists level on jury
score by their public votes; still level after that, they share. With `shared`, finalists
level for an award share it. An award nobody earned (no counted vote, no jury score) has no
winner.
"""

from __future__ import annotations

from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.nominations.models import Edition, RoundResult
from shared.events import Handler
from shared.models import utcnow
from shared.schemas.contest import RankingEventSchema, TallyEventSchema

OTHER = {"public": "jury", "jury": "public"}
SETTLED_BY = {"public": "jury_score", "jury": "public_votes"}
COUNTS = ("quarantined", "unconfirmed", "rejected")


def round_handler(kind: str, schema: Schema) -> Handler:
    """The hub's handler of a round's final figures (`tally` or `ranking`)."""

    def store(session: Session, payload: dict) -> None:
        data = schema.load(payload)
        edition = session.scalar(select(Edition).where(Edition.slug == data["edition"]))
        if edition is None:
            raise LookupError(f"{kind} for unknown edition {data['edition']!r}")
        held = session.get(RoundResult, (edition.id, kind))
        newest = (data["closed_at"], data["counted_at"])
        if held is not None and (held.closed_at, held.counted_at) >= newest:
            return  # older figures arriving late
        if held is None:
            held = RoundResult(edition_id=edition.id, kind=kind)
            session.add(held)
        held.closed_at, held.counted_at = newest
        held.payload, held.received_at = payload, utcnow()

    return store


store_tally = round_handler("tally", TallyEventSchema())
store_ranking = round_handler("ranking", RankingEventSchema())


def results(session: Session, edition: Edition) -> dict:
    """Both rounds' figures, whether both are in, and the winners by the tie rule."""
    tally = session.get(RoundResult, (edition.id, "tally"))
    ranking = session.get(RoundResult, (edition.id, "ranking"))
    public = tally.payload["finalists"] if tally else []
    jury = ranking.payload["ranking"] if ranking else []
    figures = {
        "public": {x["finalist_id"]: x["votes"] for x in public} if tally else None,
        "jury": {x["finalist_id"]: x["score"] for x in jury} if ranking else None,
    }
    settled = {award: settle(award, figures, edition.tie_break) for award in OTHER}
    return {
        "public": sorted(public, key=lambda x: -x["votes"]),
        "jury": sorted(jury, key=lambda x: x["rank"]),
        "complete": tally is not None and ranking is not None,
        "tie_break": edition.tie_break,
        "winners_by_rule": {award: winners for award, (winners, _) in settled.items()},
        "ties": [tie for _, tie in settled.values() if tie is not None],
        "tally_closed_at": tally.closed_at if tally else None,
        "ranking_closed_at": ranking.closed_at if ranking else None,
        "bulletin_sha256": bulletin_hash(session, edition),
        **{name: tally.payload[name] if tally else None for name in COUNTS},
    }


def bulletin_hash(session: Session, edition: Edition) -> str | None:
    """The SHA-256 of voting's public bulletin behind the newest final tally (None before
    the tally, or for a tally sent before bulletins existed)."""
    tally = session.get(RoundResult, (edition.id, "tally"))
    return tally.payload.get("bulletin_sha256") if tally else None


def _leaders(marks: dict[str, float | None], among=None) -> list[str]:
    """The finalists with the best mark (of `among`, default all); none if nobody scored."""
    scored = {f: round(v, 9) for f, v in marks.items() if v and (among is None or f in among)}
    if not scored:
        return []
    best = max(scored.values())
    return sorted(f for f, v in scored.items() if v == best)


def settle(award: str, figures: dict, rule: str) -> tuple[list[str], dict | None]:
    """The winners of `award` and, when finalists were level, how the tie was settled."""
    own = figures[award]
    leaders = _leaders(own) if own else []
    if len(leaders) < 2:
        return leaders, None
    tie = {"award": award, "finalist_ids": leaders}
    other = figures[OTHER[award]]
    if rule == "shared":
        return leaders, tie | {"resolved_by": "shared", "winners": leaders}
    if other is None:
        return [], tie | {"resolved_by": "pending", "winners": []}
    winners = _leaders(other, among=leaders) or leaders
    how = SETTLED_BY[award] if len(winners) == 1 else "shared"
    return winners, tie | {"resolved_by": how, "winners": winners}
