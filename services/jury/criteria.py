"""An edition's weighted criteria: a default set for social innovation, replaced by staff
as a whole until scoring starts (a juror saves the first scorecard, draft or not); after
that only their labels may change, since the weights and keys decide what the scores
mean. Every replacement is in the criteria's audit log, which staff read."""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.jury.editions import ensure_open
from services.jury.models import CriteriaChange, Criterion, Edition, Juror, Scorecard
from shared.pagination import keyset_page
from shared.web import N_

# Seeded with equal weights when an edition's schedule first reaches the jury; kept in Dutch
# and shown in the page's language.
DEFAULT_CRITERIA = (
    ("maatschappelijke-impact", N_("Maatschappelijke impact")),
    ("radicale-vernieuwing", N_("Radicale vernieuwing")),
    ("participatie-empowerment", N_("Participatie en empowerment")),
    ("systeemverandering", N_("Systeemverandering en schaalbaarheid")),
    ("haalbaarheid", N_("Haalbaarheid en verdienmodel")),
)


def criteria_of(session: Session, edition_id: int) -> list[Criterion]:
    """The edition's criteria in their order."""
    query = select(Criterion).where(Criterion.edition_id == edition_id)
    return list(session.scalars(query.order_by(Criterion.position)))


def seed_defaults(session: Session, edition: Edition) -> None:
    """Give an edition the default criteria unless it has criteria already."""
    if criteria_of(session, edition.id):
        return
    _store(session, edition, [{"key": k, "label": v, "weight": 1.0} for k, v in DEFAULT_CRITERIA])


def scoring_started(session: Session, edition: Edition) -> bool:
    """Whether any juror of the edition saved a scorecard (a draft, a submission or a
    recusal)."""
    query = select(Scorecard.id).join(Juror, Juror.id == Scorecard.juror_id)
    return session.scalar(select(exists(query.where(Juror.edition_id == edition.id)))) or False


def replace_criteria(
    session: Session, edition: Edition, items: list[dict], staff: str
) -> list[Criterion]:
    """Replace the edition's criteria and log it; 409 once the jury has closed, or once
    scoring started for a change of more than the labels (the weighted means would change
    under the jurors)."""
    ensure_open(edition)
    old = [_plain(c) for c in criteria_of(session, edition.id)]
    if _weighted(old) != _weighted(items) and scoring_started(session, edition):
        raise Conflict("Scoring has started: the criteria's keys and weights are fixed.")
    session.add(CriteriaChange(edition_id=edition.id, old=old, new=items, staff=staff))
    session.execute(delete(Criterion).where(Criterion.edition_id == edition.id))
    return _store(session, edition, items)


def changes_page(session: Session, edition: Edition, limit: int, after: int | None) -> dict:
    """One page of the criteria's audit log of the edition, oldest first."""
    query = select(CriteriaChange).where(CriteriaChange.edition_id == edition.id)
    return keyset_page(session, query, CriteriaChange.id, limit, after)


def _plain(criterion: Criterion) -> dict:
    return {"key": criterion.key, "label": criterion.label, "weight": criterion.weight}


def _weighted(items: list[dict]) -> list[tuple[str, float]]:
    """What a set of criteria means for the scores: its keys and weights, in order."""
    return [(item["key"], float(item["weight"])) for item in items]


def _store(session: Session, edition: Edition, items: list[dict]) -> list[Criterion]:
    rows = [Criterion(edition_id=edition.id, position=i, **item) for i, item in enumerate(items)]
    session.add_all(rows)
    session.flush()
    return rows
