"""A juror's scorecard for one finalist: drafts saved as often as they like, one submit that
locks it, staff reopening it. What the juror typed is checked here, kept as typed when it is
refused, so the page can show it back with the problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.jury.editions import ensure_open, locked_edition
from services.jury.models import DRAFT, SUBMITTED, Criterion, Finalist, Juror, Scorecard
from services.jury.ranking import weighted
from shared.models import utcnow
from shared.schemas.jury import SCALE

COMMENT_MAX = 5000


@dataclass
class Entry:
    """The form as the juror filled it: scores by criterion key, as typed."""

    scores: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    recused: bool = False


class EntryRefused(Exception):
    """Some fields are not acceptable; `problems` maps a field to a problem code."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def entry_from_form(form, criteria: list[Criterion]) -> Entry:
    """The entry posted by the scoring form (`score-<key>`, `comment`, `recused`)."""
    return Entry(
        scores={c.key: form.get(f"score-{c.key}", "").strip() for c in criteria},
        comment=form.get("comment", ""),
        recused=bool(form.get("recused")),
    )


def entry_from_card(card: Scorecard | None) -> Entry:
    """The entry a stored scorecard holds (empty when there is none yet)."""
    if card is None:
        return Entry()
    scores = {k: "" if v is None else str(v) for k, v in card.scores.items()}
    return Entry(scores=scores, comment=card.comment, recused=card.recused)


def check(entry: Entry, criteria: list[Criterion], complete: bool) -> dict[str, int | None]:
    """The entry's scores as numbers; raises EntryRefused for a score off the 1-10 scale, a
    missing one when `complete` is asked (a submit without recusal) or a comment too long."""
    scores, problems = {}, {}
    for criterion in criteria:
        typed = entry.scores.get(criterion.key, "")
        scores[criterion.key], problem = _score(typed, complete)
        if problem:
            problems[f"score-{criterion.key}"] = problem
    if len(entry.comment) > COMMENT_MAX:
        problems["comment"] = "too_long"
    if problems:
        raise EntryRefused(problems)
    return scores


def _score(typed: str, required: bool) -> tuple[int | None, str | None]:
    if not typed:
        return None, ("missing" if required else None)
    if not (typed.isascii() and typed.isdigit()):
        return None, "not_a_number"
    if len(typed) > 2 or not SCALE[0] <= int(typed) <= SCALE[1]:
        return None, "off_scale"
    return int(typed), None


def score_so_far(card: Scorecard | None, criteria: list[Criterion]) -> tuple[float | None, int]:
    """The weighted mean of the criteria scored on the card so far (a draft counts too),
    and how many criteria have a score; no score for a recusal or an empty card."""
    scores = (card.scores or {}) if card and not card.recused else {}
    weights = {c.key: c.weight for c in criteria if scores.get(c.key) is not None}
    if not weights:
        return None, 0
    return weighted(scores, weights), len(weights)


def card_for(db: Session, juror_id: str, finalist_id: str) -> Scorecard | None:
    """The juror's scorecard for a finalist, if they saved one."""
    return db.scalar(_card_query(juror_id, finalist_id))


def _card_query(juror_id: str, finalist_id: str):
    return select(Scorecard).where(
        Scorecard.juror_id == juror_id, Scorecard.finalist_id == finalist_id
    )


def save(
    db: Session,
    juror: Juror,
    finalist: Finalist,
    criteria: list[Criterion],
    entry: Entry,
    submit: bool,
    now: dt.datetime | None = None,
) -> Scorecard:
    """Save the entry as a draft, or submit it (which locks it); 409 once submitted or once
    the jury has closed, EntryRefused for fields that are not acceptable. The moment is now
    once the edition is locked against the close, unless given."""
    edition = locked_edition(db, juror.edition_id)
    now = now or utcnow()
    ensure_open(edition, now)
    card = _locked_card(db, juror.id, finalist.id)
    if card.status == SUBMITTED:
        raise Conflict("This scorecard was submitted; staff can reopen it.")
    card.scores = check(entry, criteria, complete=submit and not entry.recused)
    card.comment, card.recused = entry.comment, entry.recused
    card.revision, card.updated_at = card.revision + 1, now
    if submit:
        card.status, card.submitted_at = SUBMITTED, now
    db.flush()
    return card


def _locked_card(db: Session, juror_id: str, finalist_id: str) -> Scorecard:
    # The row is locked for this transaction (PostgreSQL; SQLite writes one at a time), so
    # two posts at once (a double click on submit) are applied one after the other.
    query = _card_query(juror_id, finalist_id).with_for_update()
    card = db.scalar(query)
    if card is not None:
        return card
    try:
        with db.begin_nested():
            card = Scorecard(juror_id=juror_id, finalist_id=finalist_id, status=DRAFT, revision=0)
            db.add(card)
    except IntegrityError:  # the other post created it first
        return db.scalar(query)
    return card


def reopen(db: Session, juror: Juror, finalist_id: str | None = None) -> int:
    """Unlock the juror's submitted scorecards (one finalist's, or all); returns how many."""
    ensure_open(locked_edition(db, juror.edition_id))
    query = update(Scorecard).where(Scorecard.juror_id == juror.id, Scorecard.status == SUBMITTED)
    if finalist_id is not None:
        query = query.where(Scorecard.finalist_id == finalist_id)
    values = {"status": DRAFT, "submitted_at": None, "revision": Scorecard.revision + 1}
    return db.execute(query.values(**values)).rowcount
