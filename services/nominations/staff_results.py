"""The hub's results page: both rounds' figures with the tie rule applied and why, and the
form that publishes the winners (each award's winners chosen in advance by the rule, the
moment of publication typed in the edition's time zone). Publishing goes through
services/nominations/winners.py with the API's schema, under the staff token's name.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import ValidationError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.nominations import staff_forms
from services.nominations.finalists import finalists_of
from services.nominations.models import Edition, Publication
from services.nominations.results import results
from services.nominations.schedule import TIE_RULES
from services.nominations.staff_web import staff_edition
from services.nominations.winners import publish_winners
from shared.backends import backends
from shared.models import utcnow
from shared.schemas.nominations import WinnersSchema
from shared.staff_pages import staff_page

bp = Blueprint("hub_staff_results", __name__, url_prefix="/staff/editions/<slug>")
AWARDS = {"jury": lazy_gettext("Juryprijs"), "public": lazy_gettext("Publieksprijs")}
# How a tie was settled, in words (results.settle's `resolved_by`).
RESOLVED = {
    "jury_score": lazy_gettext("Gelijk in stemmen: de score van de jury besliste."),
    "public_votes": lazy_gettext("Gelijk in juryscore: het aantal stemmen besliste."),
    "shared": lazy_gettext("Gelijk, en de regel laat hen de prijs delen."),
    "pending": lazy_gettext("Gelijk; de beslissing wacht op de cijfers van de andere prijs."),
}


@bp.get("/results")
@staff_page("editions")
def results_page(slug: str):
    """The results with the tie rule applied, and the publication form (or what it was)."""
    with backends().sessions() as session:
        edition = staff_edition(session, slug)
        figures = results(session, edition)
        chosen = figures["winners_by_rule"]
        values = {"publish_at": staff_forms.local_value(utcnow(), edition.timezone)}
        return _page(session, edition, figures, chosen, values, {})


def _page(session: Session, edition: Edition, figures, chosen, values, errors, status=200):
    return render_template(
        "staff/results.html",
        edition=edition,
        figures=figures,
        names={f.nomination_id: f.nomination.nominee_name for f in finalists_of(session, edition)},
        tie_rule=TIE_RULES[edition.tie_break],
        resolved=RESOLVED,
        awards=AWARDS,
        chosen=chosen,
        publication=session.get(Publication, edition.id),
        closed=edition.phase() == "closed",
        values=values,
        errors=errors,
        here="results",
    ), status


@bp.post("/results")
@staff_page("editions")
def publish(slug: str):
    """Publish the checked winners from the moment typed, as POST .../winners does."""
    chosen = {award: request.form.getlist(award) for award in AWARDS}
    values = {"publish_at": request.form.get("publish_at", "")}
    with backends().sessions.begin() as session:
        edition = staff_edition(session, slug)
        errors = _publish(session, edition, chosen, values["publish_at"])
        if errors:
            figures = results(session, edition)
            return _page(session, edition, figures, chosen, values, errors, 422)
    flash(_("De winnaars zijn gepubliceerd."))
    return redirect(url_for(".results_page", slug=slug), 303)


def _publish(session: Session, edition: Edition, chosen: dict, typed: str) -> dict:
    """Publish; the errors by field when the form or the rules refuse."""
    moment, errors = staff_forms.moments({"publish_at": typed}, ["publish_at"], edition.timezone)
    if errors:
        errors = {"publish_at": staff_forms.HELP["publish_at"]}
    awards = [{"award": a, "finalist_id": i} for a, ids in chosen.items() for i in ids]
    body = {"awards": awards, "publish_at": moment.get("publish_at")}
    data, errors = staff_forms.load(WinnersSchema(), body, errors)
    if data is None:
        return errors
    try:
        with session.begin_nested():
            publish_winners(session, edition, data, g.staff)
    except ValidationError as exc:
        return staff_forms.messages_of(exc)
    except Conflict:
        return {"awards": _("Winnaars publiceer je pas als stemming en jury gesloten zijn.")}
    return {}
