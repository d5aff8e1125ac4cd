"""All scores and comments of an edition as CSV for staff: one row per juror and finalist,
a column per criterion. UTF-8 with a BOM (so spreadsheets read the accents), and every
text cell that a spreadsheet would take for a formula is defused with a leading quote."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.jury.criteria import criteria_of
from services.jury.models import Edition, Finalist, Juror, Scorecard
from services.jury.ranking import weighted

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> object:
    """A cell value a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def scores_csv(db: Session, edition: Edition) -> str:
    """The edition's scorecards as CSV text, starting with a byte-order mark."""
    criteria = criteria_of(db, edition.id)
    weights = {c.key: c.weight for c in criteria}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["juror_id", "juror", "finalist_id", "finalist", "status", "recused"]
        + [c.key for c in criteria]
        + ["weighted_score", "comment", "updated_at", "submitted_at"]
    )
    for card, juror, finalist in _cards(db, edition):
        scores = [card.scores.get(c.key) for c in criteria]
        complete = all(s is not None for s in scores) and not card.recused
        name = finalist.name if finalist else ""  # no longer a finalist: the work stays listed
        row = [juror.id, juror.name, card.finalist_id, name, card.status, card.recused]
        row += [*scores, round(weighted(card.scores, weights), 4) if complete else None]
        row += [card.comment, card.updated_at.isoformat(), _iso(card.submitted_at)]
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def _cards(db: Session, edition: Edition):
    return db.execute(
        select(Scorecard, Juror, Finalist)
        .join(Juror, Juror.id == Scorecard.juror_id)
        .outerjoin(Finalist, Finalist.id == Scorecard.finalist_id)
        .where(Juror.edition_id == edition.id)
        .order_by(Juror.name, Juror.id, Finalist.position.is_(None), Finalist.position)
    ).all()


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
