"""The nomination form (/nomineren): the same schema as the JSON API, Dutch first.

A form with errors comes back with what was typed and a message at each field, summed up
at the top with links to the fields. A robot is answered exactly like a person but nothing
is stored: it fills the hidden honeypot field, or posts faster than a person can type
(the form carries a signed start time). After a nomination the browser is sent on to the
thank-you page (Post/Redirect/Get).
"""

from __future__ import annotations

import time

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale, lazy_gettext
from marshmallow import ValidationError
from werkzeug.exceptions import Conflict

from services.nominations.nominations import nominate
from services.nominations.nominations_api import nomination_limit
from services.nominations.schedule import current_edition, deadlines
from shared.backends import backends
from shared.models import utcnow
from shared.schemas.nominations import REGIONS, THEMES, NominationSchema
from shared.tokens import LinkInvalid, make_token, read_token

bp = Blueprint("nominate", __name__)
SCHEMA = NominationSchema()
HONEYPOT = "fax"
STARTED = "started"
FORM_MAX_AGE = 24 * 3600
# The fields a nominator describes an innovation with, as the form and the nomination's
# staff page name them (the form's website field adds that it may stay empty).
FIELD_LABELS = {
    "nominee_name": lazy_gettext("Naam van de vernieuwer of het project"),
    "organisation": lazy_gettext("Organisatie"),
    "nominee_email": lazy_gettext("E-mailadres van de genomineerde"),
    "website": lazy_gettext("Website"),
    "region": lazy_gettext("Regio"),
    "theme": lazy_gettext("Thema"),
    "problem": lazy_gettext("Welk maatschappelijk probleem pakt de vernieuwing aan?"),
    "solution": lazy_gettext("Wat werd er concreet gerealiseerd?"),
    "impact": lazy_gettext("Wat is de impact? Voor wie maakt het een verschil?"),
}
# What to do about each field when it is not right: one helpful message a field.
HELP = {
    "nominee_name": lazy_gettext("Vul de naam van de vernieuwer of het project in."),
    "organisation": lazy_gettext("Vul de naam van de organisatie in."),
    "nominee_email": lazy_gettext(
        "Vul een e-mailadres van de genomineerde in, zoals naam@voorbeeld.be."
        " Wegwerpadressen kunnen niet."
    ),
    "website": lazy_gettext(
        "Vul een volledig webadres in dat begint met https://, of laat dit veld leeg."
    ),
    "region": lazy_gettext("Kies de provincie, of Brussel."),
    "theme": lazy_gettext("Kies het thema dat het best past."),
    "problem": lazy_gettext("Beschrijf het probleem in 20 tot 3000 tekens."),
    "solution": lazy_gettext("Beschrijf wat er gerealiseerd werd in 20 tot 3000 tekens."),
    "impact": lazy_gettext("Beschrijf de impact in 20 tot 3000 tekens."),
    "nominator_name": lazy_gettext("Vul je naam in."),
    "nominator_email": lazy_gettext(
        "Vul je e-mailadres in, zoals naam@voorbeeld.be: daar komt de bevestigingslink."
        " Wegwerpadressen kunnen niet."
    ),
    "consent": lazy_gettext("Vink aan dat je de privacytekst gelezen hebt en akkoord gaat."),
}
REGION_NAMES = dict(
    zip(
        REGIONS,
        (
            lazy_gettext("Antwerpen"),
            lazy_gettext("Limburg"),
            lazy_gettext("Oost-Vlaanderen"),
            lazy_gettext("Vlaams-Brabant"),
            lazy_gettext("West-Vlaanderen"),
            lazy_gettext("Brussel"),
        ),
        strict=True,
    )
)
THEME_NAMES = dict(
    zip(
        THEMES,
        (
            lazy_gettext("Armoede"),
            lazy_gettext("Zorg"),
            lazy_gettext("Gezondheid"),
            lazy_gettext("Onderwijs"),
            lazy_gettext("Werk"),
            lazy_gettext("Wonen"),
            lazy_gettext("Klimaat"),
            lazy_gettext("Energie"),
            lazy_gettext("Mobiliteit"),
            lazy_gettext("Voeding"),
            lazy_gettext("Inclusie"),
            lazy_gettext("Samenleven"),
            lazy_gettext("Cultuur"),
            lazy_gettext("Iets anders"),
        ),
        strict=True,
    )
)


def _page(edition, values: dict, errors: dict, status: int = 200):
    context = {
        "edition": edition,
        "open": edition is not None and edition.phase(utcnow()) == "nominations",
        "deadlines": deadlines(edition) if edition else [],
        "values": values,
        "errors": {name: HELP[name] for name in errors if name in HELP},
        "labels": FIELD_LABELS,
        "regions": REGION_NAMES,
        "themes": THEME_NAMES,
        "started": make_token(STARTED, str(time.time())),
    }
    return render_template("nominate.html", **context), status


@bp.get("/nomineren")
def form():
    """The nomination form for the current edition (or when nominations open)."""
    with backends().sessions() as session:
        return _page(current_edition(session, utcnow()), {}, {})


def _is_robot() -> bool:
    """A filled honeypot, or a form sent sooner than a person can fill it in."""
    if request.form.get(HONEYPOT):
        return True
    try:
        started = float(read_token(STARTED, request.form.get(STARTED, ""), FORM_MAX_AGE))
    except (LinkInvalid, ValueError):
        return True
    return time.time() - started < backends().settings.nomination_min_fill_seconds


def _typed() -> dict:
    """The form's fields as the schema reads them (an unticked box is a refusal)."""
    values = {name: request.form.get(name, "") for name in HELP if name != "consent"}
    return values | {"consent": request.form.get("consent") == "yes"}


@bp.post("/nomineren")
@nomination_limit
def submit():
    """Take in a nomination from the form, or show the form again with what to fix."""
    values = _typed()
    with backends().sessions.begin() as session:
        edition = current_edition(session, utcnow())
        if edition is None or edition.phase(utcnow()) != "nominations":
            raise Conflict(lazy_gettext("Nomineren kan nu niet: de nominaties zijn gesloten."))
        if _is_robot():
            return redirect(url_for("nominate.thanks"), 303)
        try:
            data = SCHEMA.load(values)
        except ValidationError as exc:
            return _page(edition, values, exc.messages, 422)
        nominate(session, edition, data, str(get_locale()))
    return redirect(url_for("nominate.thanks"), 303)


@bp.get("/nomineren/bedankt")
def thanks():
    """After a nomination: look in your mailbox for the confirmation link."""
    return render_template("thanks.html")
