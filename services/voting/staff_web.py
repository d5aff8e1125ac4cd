"""Voting's staff pages: the votes per hour for each finalist (counted and quarantined apart,
and those that came through shared links) and the integrity report, behind the staff
sign-in of shared/staff_pages.py."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from services.voting import chart
from services.voting.models import Edition
from services.voting.report import REASON_LABELS, closed_edition, integrity, report_text
from services.voting.review import edition_by_slug
from services.voting.share import votes_by_via
from shared.backends import backends
from shared.models import utcnow
from shared.staff_pages import staff_page

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")
DEFAULT_HOURS = 24
MAX_HOURS = 14 * 24


@bp.get("/")
@staff_page("votes")
def start():
    """The editions voting knows, each with its staff pages."""
    with backends().sessions() as session:
        editions = session.scalars(select(Edition).order_by(Edition.voting_open.desc())).all()
        return render_template("staff/start.html", editions=editions, now=utcnow(), here="start")


@bp.get("/editions/<slug>/votes")
@staff_page("votes")
def votes_per_hour(slug: str):
    """Votes per hour for each finalist over the last `?hours=` hours of voting."""
    hours = _hours_asked()
    with backends().sessions() as session:
        edition = edition_by_slug(session, slug)
        shown = chart.hours_shown(edition, utcnow(), hours)
        data = chart.charts(session, edition, shown)
        return render_template(
            "staff/votes.html",
            edition=edition,
            hours=hours,
            chart=data,
            height=chart.HEIGHT,
            by_via=votes_by_via(session, edition),
            here="votes",
        )


def _hours_asked() -> int:
    raw = request.args.get("hours", str(DEFAULT_HOURS))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_HOURS:
        raise BadRequest(_("Kies een aantal uren van 1 tot %(max)d.", max=MAX_HOURS))
    return int(raw)


@bp.get("/editions/<slug>/integrity")
@staff_page("votes")
def integrity_page(slug: str):
    """The integrity report, as a page and as the text to publish; 409 before the close."""
    with backends().sessions() as session:
        edition = closed_edition(session, slug, utcnow())
        figures = integrity(session, edition)
        return render_template(
            "staff/integrity.html",
            edition=edition,
            figures=figures,
            labels=REASON_LABELS,
            text=report_text(edition, figures),
            here="votes",
        )
