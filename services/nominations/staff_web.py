"""The hub's staff pages for editions: the list, a new edition, and an edition's overview
with its schedule. Behind the staff sign-in of shared/staff_pages.py; the forms go through
the API's schemas and domain code (services/nominations/editions.py), so a page and a
script follow one rule.

The screening pages are in staff_screening.py, the results and winners in staff_results.py.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict, NotFound

from services.nominations import staff_forms
from services.nominations.editions import create_edition, get_edition, reschedule
from services.nominations.finalists import finalists_of
from services.nominations.models import Edition, Nomination
from services.nominations.schedule import TIE_RULES, deadlines
from shared.backends import backends
from shared.campaign import PHASE_NAMES
from shared.schemas.editions import WINDOWS, EditionPatchSchema, EditionSchema
from shared.staff_pages import staff_page

bp = Blueprint("hub_staff", __name__, url_prefix="/staff")
ZONES = ("Europe/Brussels", "Europe/Amsterdam", "Europe/Luxembourg", "Europe/Paris", "UTC")


def staff_edition(session: Session, slug: str) -> Edition:
    """The edition with this slug, or a 404 page that says so in the page's language."""
    try:
        return get_edition(session, slug)
    except NotFound as exc:
        raise NotFound(_("Er is geen editie met deze korte naam.")) from exc


@bp.get("/")
@staff_page("editions")
def start():
    """The editions, newest first, each linked to its overview; and a new one."""
    with backends().sessions() as session:
        editions = session.scalars(select(Edition).order_by(Edition.nominations_open.desc()))
        return render_template(
            "staff/start.html", editions=list(editions), phase_names=PHASE_NAMES, here="start"
        )


@bp.get("/editions/new")
@staff_page("editions")
def new_edition():
    """The form for a new edition: every field of POST /api/v1/editions."""
    defaults = {"timezone": staff_forms.DEFAULT_ZONE, "finalist_count": "10"}
    return _new_form(defaults | {"tie_break": "other_award"}, {})


def _new_form(values: dict, errors: dict, status: int = 200):
    return render_template(
        "staff/new_edition.html",
        values=values,
        errors=errors,
        windows=staff_forms.WINDOW_LABELS,
        zones_named={zone: zone for zone in ZONES},
        tie_rules=TIE_RULES,
        here="start",
    ), status


@bp.post("/editions/new")
@staff_page("editions")
def create():
    """Create the edition as the API does; the form again with what to mend, else its page."""
    zone = staff_forms.zone_of(request.form)
    data, errors = staff_forms.edition_input(request.form, zone)
    data, errors = staff_forms.load(EditionSchema(), data, errors)
    if data is not None:
        try:
            with backends().sessions.begin() as session:
                create_edition(session, data)
        except Conflict:
            errors = {"slug": staff_forms.HELP["slug"]}
    if errors:
        return _new_form(request.form.to_dict(), errors, 422)
    flash(_("De editie is aangemaakt. Stemmen en jury krijgen haar planning."))
    return redirect(url_for("hub_staff.overview", slug=data["slug"]), 303)


@bp.get("/editions/<slug>")
@staff_page("editions")
def overview(slug: str):
    """An edition: its phase, counts, schedule (with a form to change it) and its pages."""
    with backends().sessions() as session:
        edition = staff_edition(session, slug)
        zone = edition.timezone
        values = {n: staff_forms.local_value(getattr(edition, n), zone) for n in WINDOWS}
        return _overview(session, edition, values, {})


def _overview(session: Session, edition: Edition, values: dict, errors: dict, status: int = 200):
    return render_template(
        "staff/edition.html",
        edition=edition,
        counts=counts(session, edition),
        deadlines=deadlines(edition),
        tie_rule=TIE_RULES[edition.tie_break],
        values=values,
        errors=errors,
        windows=staff_forms.WINDOW_LABELS,
        public=backends().settings.public_url,
        here="edition",
    ), status


def counts(session: Session, edition: Edition) -> dict:
    """How many confirmed nominations the edition has by status, and its finalists."""
    query = (
        select(Nomination.status, func.count())
        .where(Nomination.edition_id == edition.id)
        .group_by(Nomination.status)
    )
    by_status = dict(session.execute(query).all())
    return {
        "submitted": by_status.get("submitted", 0),
        "accepted": by_status.get("accepted", 0),
        "rejected": by_status.get("rejected", 0),
        "finalists": len(finalists_of(session, edition)),
    }


@bp.post("/editions/<slug>")
@staff_page("editions")
def change_schedule(slug: str):
    """Change the schedule as PATCH /api/v1/editions/<slug> does; voting and jury follow."""
    with backends().sessions.begin() as session:
        edition = staff_edition(session, slug)
        data, errors = staff_forms.edition_input(request.form, edition.timezone, WINDOWS)
        data, errors = staff_forms.load(EditionPatchSchema(), data, errors)
        if data is not None:
            try:
                reschedule(session, edition, data, g.staff)
            except ValidationError as exc:
                errors = staff_forms.messages_of(exc)
        if errors:
            return _overview(session, edition, request.form.to_dict(), errors, 422)
    flash(_("De planning is bewaard. Stemmen en jury volgen."))
    return redirect(url_for("hub_staff.overview", slug=slug), 303)
