"""Voting's review page: the votes held in quarantine, with the reasons in words and the
evidence's score, filtered by reason, score band, network or finalist; staff release or
reject the checked ones, or every held vote the filter matches (by reason, by score band or
both), with a note. The decision goes through decisions.decide_in_bulk
with the API's schema (one rule, two doors), so it lands in the audit log under the staff
token's name and a closed edition's final tally goes out again.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext, ngettext
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.voting.decisions import decide_in_bulk, matching
from services.voting.models import Edition, Finalist, Vote, VoteDecision
from services.voting.report import REASON_LABELS
from services.voting.review import edition_by_slug
from shared.backends import backends
from shared.finalists import finalists_of
from shared.pagination import cursor_after, keyset_page
from shared.schemas.review import CHOOSING, BulkDecisionSchema, VoteQuerySchema
from shared.staff_pages import staff_page

bp = Blueprint("staff_review", __name__, url_prefix="/staff/editions/<slug>/review")
PAGE = 50
RULES = ("reason", "min_score", "max_score", "network", "finalist_id")
LOGGED = 10  # the latest decisions shown under the form
HELP = {
    "filter": lazy_gettext(
        "Kies eerst een reden of een scoreband in de filter: alle stemmen die daarbij passen."
    ),
    "ids": lazy_gettext("Vink minstens één stem aan."),
    "status": lazy_gettext("Kies of je de stemmen vrijgeeft of uitsluit."),
    "note": lazy_gettext("Hoogstens 2000 tekens."),
}
FILTER_HELP = lazy_gettext(
    "Kies een reden of finalist uit de lijst; een score is een getal van 0 tot 100, de"
    " ondergrens kleiner dan de bovengrens."
)
STATUS_NAMES = {
    "unconfirmed": lazy_gettext("niet bevestigd"),
    "counted": lazy_gettext("geteld"),
    "quarantined": lazy_gettext("in quarantaine"),
    "rejected": lazy_gettext("uitgesloten"),
}


@bp.get("")
@staff_page("votes")
def review(slug: str):
    """The held votes matching the filter, a page at a time, and the decision form."""
    try:
        given = {name: value for name, value in request.args.items() if value}
        rules, errors = VoteQuerySchema().load(given), {}
    except ValidationError as exc:
        rules, errors = {}, dict.fromkeys(exc.messages, FILTER_HELP)
    rules = {name: rules[name] for name in RULES if rules.get(name) is not None}
    with backends().sessions() as session:
        edition = edition_by_slug(session, slug)
        return _page(session, edition, rules, {}, errors, 422 if errors else 200)


def _page(session: Session, edition: Edition, rules: dict, values: dict, errors: dict, status):
    held = matching(edition.id, rules | {"status": "quarantined"})
    after = cursor_after(str)
    return render_template(
        "staff/review.html",
        edition=edition,
        page=keyset_page(session, held, Vote.id, PAGE, after),
        total=session.scalar(select(func.count()).select_from(held.subquery())),
        first=after is not None,
        rules=rules,
        values=values or {"status": "counted"},
        errors=errors,
        reasons=REASON_LABELS,
        choosing=CHOOSING & set(rules),
        statuses=STATUS_NAMES,
        names={f.id: f.name for f in finalists_of(session, Finalist, edition.id)},
        log=_latest_decisions(session, edition),
        here="review",
    ), status


def _latest_decisions(session: Session, edition: Edition) -> list[VoteDecision]:
    query = (
        select(VoteDecision)
        .join(Vote, Vote.id == VoteDecision.vote_id)
        .where(Vote.edition_id == edition.id)
        .order_by(VoteDecision.id.desc())
    )
    return list(session.scalars(query.limit(LOGGED)))


@bp.post("")
@staff_page("votes")
def decide(slug: str):
    """Release or reject the checked votes, or all held votes the filter matches."""
    rules = {name: request.form[name] for name in RULES if request.form.get(name)}  # as typed
    values = {"status": request.form.get("status", ""), "note": request.form.get("note", "")}
    body = values | _chosen(rules)
    with backends().sessions.begin() as session:
        edition = edition_by_slug(session, slug)
        try:
            result = decide_in_bulk(session, edition, BulkDecisionSchema().load(body), g.staff)
        except ValidationError as exc:
            errors = {name: HELP.get(name, HELP["ids"]) for name in exc.messages}
            return _page(session, edition, rules, values, errors, 422)
    changed, left = result["changed"], result["remaining"]
    flash(
        ngettext(
            "%(num)d stem gewijzigd; nog %(left)d tegengehouden.",
            "%(num)d stemmen gewijzigd; nog %(left)d tegengehouden.",
            changed,
            left=left,
        )
    )
    return redirect(url_for(".review", slug=slug, **rules), 303)


def _chosen(rules: dict) -> dict:
    """Which votes the form means: all held ones matching the filter (the button that says
    so), else the checked ones."""
    if request.form.get("scope") == "filter":
        return {"filter": rules} if CHOOSING & set(rules) else {"filter": {}}
    return {"ids": request.form.getlist("ids")}
