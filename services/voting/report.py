"""The integrity report: after voting closes, how many votes were cast, confirmed, counted,
held, released and rejected, and for which reasons, in figures staff can publish as they
are (organisers must be able to say how many votes they excluded and why).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import BadRequest, Conflict

from services.voting import bulletin
from services.voting.decisions import held_for
from services.voting.models import Edition, Vote, VoteDecision
from services.voting.review import edition_by_slug
from services.voting.share import votes_by_via
from shared.auth import staff_required
from shared.backends import backends
from shared.models import utcnow
from shared.schemas.review import REASONS, IntegritySchema

bp = Blueprint("report", __name__, url_prefix="/api/v1")

# What each signal means, in words for the published report.
REASON_LABELS = {
    "honeypot": _l("een verborgen veld ingevuld, dat mensen niet zien"),
    "too_fast": _l("het formulier sneller verstuurd dan een mens kan"),
    "network_flood": _l("veel stemmen van één netwerk in korte tijd"),
    "finalist_burst": _l("een plotse piek van stemmen voor één finalist"),
    "similar_addresses": _l("veel bijna gelijke e-mailadressen (naam1@, naam2@ ...)"),
    "machine_rhythm": _l("bevestigingen in een machinaal regelmatig ritme"),
    "juror": _l("een stem van een jurylid (juryleden stemmen niet mee)"),
    "shared_domain": _l("veel adressen bij één eigen maildomein (geen gewone mailprovider)"),
    "machine_name": _l("een mailadres dat eruitziet als door een programma gemaakt"),
    "fast_click": _l("de link in de mail aangeklikt sneller dan een mens een mail opent"),
    "generated_names": _l(
        "mailadressen die door een programma gemaakt lijken, bij één eigen maildomein of van"
        " één netwerk, allemaal voor één finalist"
    ),
    "click_wave": _l(
        "veel links voor één finalist binnen enkele minuten aangeklikt sneller dan een mens"
        " een mail opent"
    ),
}


def closed_edition(session: Session, slug: str, now: dt.datetime) -> Edition:
    """The edition, once its voting has closed: 404 unknown, 409 before voting_close."""
    edition = edition_by_slug(session, slug)
    if now < edition.voting_close:
        raise Conflict("The integrity report is made once voting has closed.")
    return edition


def integrity(session: Session, edition: Edition) -> dict:
    """The edition's figures (IntegritySchema), read from the votes and the audit log."""
    of_edition = Vote.edition_id == edition.id
    by_status = dict.fromkeys(("unconfirmed", "counted", "quarantined", "rejected"), 0)
    confirmed = 0
    rows = session.execute(
        select(Vote.status, func.count(), func.count(Vote.confirmed_at))
        .where(of_edition)
        .group_by(Vote.status)
    )
    for status, votes, confirmations in rows:
        by_status[status] = votes
        confirmed += confirmations
    released = session.scalar(
        select(func.count(distinct(Vote.id)))
        .join(VoteDecision, VoteDecision.vote_id == Vote.id)
        .where(of_edition, Vote.status == "counted", VoteDecision.from_status == "quarantined")
    )
    return {
        "edition": edition.slug,
        "voting_close": edition.voting_close,
        "cast": sum(by_status.values()),
        "confirmed": confirmed,
        "released": released,
        "by_reason": [_reason_figures(session, edition, reason) for reason in REASONS],
        "by_via": votes_by_via(session, edition),
        "bulletin_sha256": _bulletin_hash(session, edition),
        **by_status,
    }


def _bulletin_hash(session: Session, edition: Edition) -> str | None:
    shown = bulletin.public(session, edition)
    return shown.sha256 if shown else None


def _reason_figures(session: Session, edition: Edition, reason: str) -> dict:
    """The votes held for `reason` by what became of them: released (counted now),
    rejected, still quarantined."""
    rows = dict(
        session.execute(
            select(Vote.status, func.count())
            .where(Vote.edition_id == edition.id, held_for(reason))
            .group_by(Vote.status)
        ).all()
    )
    return {
        "reason": reason,
        "held": sum(rows.values()),
        "released": rows.get("counted", 0),
        "rejected": rows.get("rejected", 0),
        "quarantined": rows.get("quarantined", 0),
    }


def report_text(edition: Edition, figures: dict) -> str:
    """The report as plain text in the page language, ready to publish."""
    closed = format_datetime(
        edition.voting_close,
        "d MMMM y, HH:mm",
        tzinfo=ZoneInfo(edition.timezone),
        locale=get_locale(),
    )
    return render_template(
        "staff/integrity.txt", edition=edition, figures=figures, labels=REASON_LABELS, closed=closed
    )


@bp.get("/editions/<slug>/integrity")
@staff_required("votes")
def get_integrity(slug: str):
    """The integrity report of an edition whose voting closed; `?format=text` gives the
    plain text to publish (Dutch, or English with `?lang=en`).
    ---
    get:
      tags: [review]
      parameters:
        - {in: query, name: format, schema: {type: string, enum: [json, text]}}
      responses:
        200:
          description: the figures (or their text)
          content:
            application/json: {schema: IntegritySchema}
            text/plain: {schema: {type: string}}
        409: {$ref: '#/components/responses/409'}
    """
    wanted = request.args.get("format", "json")
    if wanted not in ("json", "text"):
        raise BadRequest("format is json or text.")
    with backends().sessions() as session:
        edition = closed_edition(session, slug, utcnow())
        figures = integrity(session, edition)
        if wanted == "text":
            return Response(report_text(edition, figures), mimetype="text/plain")
        return jsonify(IntegritySchema().dump(figures))
