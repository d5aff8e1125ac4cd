"""The hub's screening pages: the list of confirmed nominations with the API's filters, a
page at a time; a nomination whole, with its other nominators and its decisions beside the
decision form; and the finalists picker. Decisions go through services/nominations/
screening.py and finalists.py, as the API's do, so they land in the same audit log under
the staff token's name.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import ValidationError
from werkzeug.exceptions import Conflict, NotFound

from services.nominations import staff_forms
from services.nominations.finalists import choose_finalists, finalists_of
from services.nominations.form import FIELD_LABELS, REGION_NAMES, THEME_NAMES
from services.nominations.models import Edition, Nomination
from services.nominations.screening import decide, get_nomination, list_filters, screened
from services.nominations.staff_web import staff_edition
from shared.backends import backends
from shared.pagination import cursor_after, keyset_page
from shared.schemas.nominations import DecisionSchema, FinalistsSchema
from shared.staff_pages import staff_page

bp = Blueprint("hub_staff_screening", __name__, url_prefix="/staff/editions/<slug>")
PAGE = 25
STATUS_NAMES = {
    "submitted": lazy_gettext("Wacht op een beslissing"),
    "accepted": lazy_gettext("Aanvaard"),
    "rejected": lazy_gettext("Afgewezen"),
}
FINALIST_REJECTED = lazy_gettext("Een finalist wijs je pas af na een nieuwe keuze van finalisten.")
NOT_SCREENING = lazy_gettext(
    "Finalisten kies je tussen het einde van de nominaties en het begin van de stemming."
)
FILTER_HELP = lazy_gettext("Kies een waarde uit de lijst; zoekwoorden hoogstens 200 tekens.")


@bp.get("/nominations")
@staff_page("screening")
def nominations(slug: str):
    """The confirmed nominations, filtered as the API filters them, PAGE at a time."""
    try:
        filters, errors = list_filters(), {}
    except ValidationError as exc:
        filters, errors = {}, dict.fromkeys(staff_forms.messages_of(exc), FILTER_HELP)
    after = cursor_after(int)
    with backends().sessions() as session:
        edition = staff_edition(session, slug)
        page = keyset_page(session, screened(edition, filters), Nomination.seq, PAGE, after)
        return render_template(
            "staff/nominations.html",
            edition=edition,
            page=page,
            filters=filters,
            values=request.args,
            errors=errors,
            first=after is not None,
            **_names(),
            here="nominations",
        ), (422 if errors else 200)


def _names() -> dict:
    return {"statuses": STATUS_NAMES, "regions": REGION_NAMES, "themes": THEME_NAMES}


@bp.get("/nominations/<nomination_id>")
@staff_page("screening")
def nomination(slug: str, nomination_id: str):
    """One nomination, whole: every field sent, its nominators, its decisions, the form."""
    with backends().sessions() as session:
        edition, found = _nomination(session, slug, nomination_id)
        return _nomination_page(session, edition, found, {"status": found.status}, {})


def _nomination(session, slug: str, nomination_id: str) -> tuple[Edition, Nomination]:
    edition = staff_edition(session, slug)
    try:
        found = get_nomination(session, nomination_id)
    except NotFound:
        found = None
    if found is None or found.edition_id != edition.id or found.status == "unconfirmed":
        raise NotFound(_("Deze editie heeft geen bevestigde nominatie met dit nummer."))
    return edition, found


def _nomination_page(session, edition, found, values: dict, errors: dict, status: int = 200):
    waiting = screened(edition, {"status": "submitted"}).where(Nomination.id != found.id)
    following = session.scalar(waiting.order_by(Nomination.seq).limit(1))
    return render_template(
        "staff/nomination.html",
        edition=edition,
        nomination=found,
        following=following,
        others_wrote=others_wrote(found),
        text_labels=FIELD_LABELS,
        values=values,
        errors=errors,
        **_names(),
        here="nominations",
    ), status


def others_wrote(nomination: Nomination) -> dict[str, dict]:
    """What each later nominator (by id) wrote otherwise than the nomination shows (the
    first nominator's description), field by field: a duplicate's own words for staff."""
    return {
        person.id: {
            name: person.texts[name]
            for name in FIELD_LABELS
            if (person.texts or {}).get(name) not in (None, "", getattr(nomination, name))
        }
        for person in nomination.nominators[1:]
    }


@bp.post("/nominations/<nomination_id>")
@staff_page("screening")
def decide_page(slug: str, nomination_id: str):
    """Accept or reject the nomination with a note, as PATCH /api/v1/nominations/<id> does."""
    values = {"status": request.form.get("status", ""), "note": request.form.get("note", "")}
    data, errors = staff_forms.load(DecisionSchema(), values)
    with backends().sessions.begin() as session:
        edition, found = _nomination(session, slug, nomination_id)
        if data is not None:
            try:
                decide(session, found, data, g.staff)
            except Conflict:
                errors = {"status": FINALIST_REJECTED}
        if errors:
            return _nomination_page(session, edition, found, values, errors, 422)
    flash(_("De beslissing is bewaard."))
    return redirect(url_for(".nomination", slug=slug, nomination_id=nomination_id), 303)


@bp.get("/finalists")
@staff_page("screening")
def finalists(slug: str):
    """The accepted nominations, each a checkbox (the finalists checked), and the form."""
    with backends().sessions() as session:
        edition = staff_edition(session, slug)
        chosen = [f.nomination_id for f in finalists_of(session, edition)]
        return _finalists_page(session, edition, chosen, {})


def _finalists_page(session, edition: Edition, chosen: list[str], errors: dict, status=200):
    accepted = session.scalars(
        screened(edition, {"status": "accepted"}).order_by(Nomination.seq)
    ).all()
    return render_template(
        "staff/finalists.html",
        edition=edition,
        accepted=accepted,
        chosen=set(chosen),
        open=edition.phase() == "screening",
        errors=errors,
        here="finalists",
    ), status


@bp.post("/finalists")
@staff_page("screening")
def choose(slug: str):
    """Make the checked nominations the finalists, as PUT .../finalists does."""
    ids = request.form.getlist("nomination_ids")
    data, errors = staff_forms.load(FinalistsSchema(), {"nomination_ids": ids})
    with backends().sessions.begin() as session:
        edition = staff_edition(session, slug)
        if data is not None:
            errors = _choose(session, edition, data["nomination_ids"])
        if errors:
            return _finalists_page(session, edition, ids, errors, 422)
    flash(_("De finalisten zijn bewaard; stemmen en jury krijgen ze."))
    return redirect(url_for(".finalists", slug=slug), 303)


def _choose(session, edition: Edition, ids: list[str]) -> dict:
    """Choose the finalists; the errors by field when the rules refuse."""
    try:
        with session.begin_nested():
            choose_finalists(session, edition, ids, g.staff)
    except ValidationError as exc:
        return staff_forms.messages_of(exc)
    except Conflict:
        return {"nomination_ids": NOT_SCREENING}
    return {}
