"""The jury's staff pages: progress per juror, the ranking now, reminders, invitations and
the CSV export, behind the staff sign-in of shared/staff_pages.py (the same figures and
rules as the staff JSON API)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.jury.conflicts import LABELS
from services.jury.editions import get_edition, is_closed
from services.jury.export import scores_csv
from services.jury.jurors import invite
from services.jury.models import Edition, Finalist
from services.jury.progress import progress
from services.jury.ranking import ranking_of
from services.jury.reminders import send_now
from shared.backends import backends
from shared.finalists import finalists_of
from shared.schemas.jury import JurorSchema
from shared.staff_pages import staff_page

bp = Blueprint("jury_staff", __name__, url_prefix="/staff")
# What to mend in each field of the invitation form.
INVITE_HELP = {
    "name": lazy_gettext("Vul de naam van het jurylid in."),
    "email": lazy_gettext("Vul een bruikbaar e-mailadres in, zoals naam@voorbeeld.be."),
    "organisation": lazy_gettext("Hoogstens 200 tekens."),
    "lang": lazy_gettext("Kies Nederlands of Engels."),
}
ALREADY = lazy_gettext("Dit adres is al jurylid van deze editie.")


@bp.get("/")
@staff_page("jury")
def start():
    """The editions the jury knows, newest jury close first."""
    with backends().sessions() as db:
        editions = db.scalars(select(Edition).order_by(Edition.jury_close.desc())).all()
        return render_template("jury/staff_start.html", editions=editions, here="start")


@bp.get("/editions/<slug>")
@staff_page("jury")
def edition_page(slug: str):
    """Progress per juror and the ranking of one edition."""
    with backends().sessions() as db:
        return _edition_page(db, get_edition(db, slug), {"lang": "nl"}, {})


def _edition_page(db: Session, edition: Edition, values: dict, errors: dict, status: int = 200):
    names = {f.id: f.name for f in finalists_of(db, Finalist, edition.id)}
    return render_template(
        "jury/staff_edition.html",
        edition=edition,
        closed=is_closed(edition),
        progress=progress(db, edition),
        ranking=ranking_of(db, edition),
        names=names,
        labels=LABELS,
        reminder_hours=", ".join(map(str, backends().settings.reminder_hours())),
        values=values,
        errors=errors,
        here="jury",
    ), status


@bp.post("/editions/<slug>/jurors")
@staff_page("jury")
def invite_juror(slug: str):
    """Invite a juror as POST /api/v1/editions/<slug>/jurors does: a login link by mail."""
    values = {name: request.form.get(name, "").strip() for name in INVITE_HELP}
    with backends().sessions.begin() as db:
        edition = get_edition(db, slug)
        try:
            invite(db, edition, JurorSchema().load(values), g.staff)
        except ValidationError as exc:
            errors = {name: INVITE_HELP.get(name, INVITE_HELP["email"]) for name in exc.messages}
            return _edition_page(db, edition, values, errors, 422)
        except Conflict:
            return _edition_page(db, edition, values, {"email": ALREADY}, 422)
    flash(_("%(name)s is uitgenodigd en krijgt een link om aan te melden.", name=values["name"]))
    return redirect(url_for(".edition_page", slug=slug), 303)


@bp.post("/editions/<slug>/reminders")
@staff_page("jury")
def send_reminders(slug: str):
    """Remind every juror with finalists left now, as POST .../reminders does."""
    with backends().sessions.begin() as db:
        edition = get_edition(db, slug)
        if is_closed(edition):
            flash(_("De jury is gesloten: er gaan geen herinneringen meer uit."))
        else:
            sent = send_now(db, edition, g.staff, None)["sent"]
            flash(_("Herinneringen verstuurd: %(count)s.", count=len(sent)))
    return redirect(url_for(".edition_page", slug=slug), 303)


@bp.get("/editions/<slug>/scores.csv")
@staff_page("jury")
def scores_download(slug: str):
    """The CSV export of every scorecard, as a download."""
    with backends().sessions() as db:
        text = scores_csv(db, get_edition(db, slug))
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="jury-{slug}.csv"',
            "Cache-Control": "no-store",
        },
    )
