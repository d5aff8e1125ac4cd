"""An edition's weighted criteria: a default set for social innovation, replaced by staff
as a whole until the first scores are submitted."""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.jury.editions import ensure_open
from services.jury.models import SUBMITTED, Criterion, Edition, Juror, Scorecard
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


def scores_submitted(session: Session, edition: Edition) -> bool:
    """Whether any juror of the edition submitted scores (a recusal holds none)."""
    query = select(Scorecard.id).join(Juror, Juror.id == Scorecard.juror_id)
    query = query.where(
        Juror.edition_id == edition.id, Scorecard.status == SUBMITTED, ~Scorecard.recused
    )
    return session.scalar(select(exists(query))) or False


def replace_criteria(session: Session, edition: Edition, items: list[dict]) -> list[Criterion]:
    """Replace the edition's criteria; 409 once scores were submitted against the old ones
    (their weighted means would silently change) or once the jury has closed."""
    ensure_open(edition)
    if scores_submitted(session, edition):
        raise Conflict("Scores were submitted: the criteria can no longer change.")
    session.execute(delete(Criterion).where(Criterion.edition_id == edition.id))
    return _store(session, edition, items)


def _store(session: Session, edition: Edition, items: list[dict]) -> list[Criterion]:
    rows = [Criterion(edition_id=edition.id, position=i, **item) for i, item in enumerate(items)]
    session.add_all(rows)
    session.flush()
    return rows
