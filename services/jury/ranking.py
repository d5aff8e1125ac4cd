"""The jury's ranking: a weighted score per juror and finalist, optionally turned into
z-scores per juror, then the mean per finalist over the jurors who scored it.

Only submitted scorecards count, recusals never. Finalists with equal scores share a rank
(1, 2, 2, 4): with tie_break `shared` they share the award; with `other_award` the hub,
which alone holds both the jury scores and the public votes, breaks the tie by votes.
Finalists nobody scored come last, sharing a rank, with no score.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.jury.criteria import criteria_of
from services.jury.models import SUBMITTED, Edition, Finalist, Juror, Scorecard
from shared.finalists import finalists_of

# Scores are compared and shown at this precision, so staff see a tie where there is one.
DIGITS = 6


def weighted(scores: dict[str, int], weights: dict[str, float]) -> float:
    """One juror's score for one finalist: the weighted mean of the criteria's scores."""
    return sum(w * scores[key] for key, w in weights.items()) / sum(weights.values())


def zscores(values: dict[str, float]) -> dict[str, float]:
    """One juror's scores as distances from their own mean in standard deviations; all 0
    when they gave everyone the same (or scored one finalist): nothing to tell apart."""
    mean = statistics.fmean(values.values())
    spread = statistics.pstdev(values.values()) if len(values) > 1 else 0.0
    return {k: (v - mean) / spread if spread else 0.0 for k, v in values.items()}


def finalist_means(per_juror: dict[str, dict[str, float]]) -> dict[str, float]:
    """The mean score per finalist over the jurors who scored it."""
    collected: dict[str, list[float]] = defaultdict(list)
    for scores in per_juror.values():
        for finalist_id, value in scores.items():
            collected[finalist_id].append(value)
    return {fid: round(statistics.fmean(values), DIGITS) for fid, values in collected.items()}


def ranks(means: dict[str, float], order: list[str]) -> list[dict]:
    """Every finalist of `order` ranked by score, best first; equal scores share a rank,
    ties and unscored finalists keep the hub's order."""
    position = {fid: i for i, fid in enumerate(order)}
    ranked = sorted(order, key=lambda f: (f not in means, -means.get(f, 0.0), position[f]))
    rows: list[dict] = []
    for i, fid in enumerate(ranked):
        score = means.get(fid)
        tied = rows and rows[-1]["score"] == score
        rows.append(
            {"finalist_id": fid, "score": score, "rank": rows[-1]["rank"] if tied else i + 1}
        )
    return rows


def compute(
    cards: list[tuple[str, str, dict]], weights: dict[str, float], order: list[str], zscore: bool
) -> list[dict]:
    """The ranking of finalists `order` from submitted (juror, finalist, scores) cards."""
    per_juror: dict[str, dict[str, float]] = defaultdict(dict)
    for juror_id, finalist_id, scores in cards:
        if finalist_id in order:
            per_juror[juror_id][finalist_id] = weighted(scores, weights)
    if zscore:
        per_juror = {juror: zscores(values) for juror, values in per_juror.items()}
    return ranks(finalist_means(per_juror), order)


def ranking_of(db: Session, edition: Edition) -> list[dict]:
    """The edition's ranking now, from its submitted scorecards."""
    weights = {c.key: c.weight for c in criteria_of(db, edition.id)}
    order = [f.id for f in finalists_of(db, Finalist, edition.id)]
    rows = db.execute(
        select(Scorecard.juror_id, Scorecard.finalist_id, Scorecard.scores)
        .join(Juror, Juror.id == Scorecard.juror_id)
        .where(Juror.edition_id == edition.id, Scorecard.status == SUBMITTED, ~Scorecard.recused)
    )
    return compute([tuple(r) for r in rows], weights, order, edition.normalisation == "zscore")
