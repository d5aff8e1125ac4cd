"""The jury's staff page of an edition's criteria: each criterion's label, key and weight in
a form, with empty rows to add more; saving replaces the whole set as PUT .../criteria does
(the API's schema, services/jury/criteria.py), so it lands in the criteria's audit log under
the staff token's name, and once scoring started only the labels may change.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import ValidationError
from sqlalchemy.orm import Session
from werkzeug.exceptions import Conflict

from services.jury.criteria import criteria_of, replace_criteria
from services.jury.editions import get_edition, is_closed
from services.jury.models import Edition
from shared.backends import backends
from shared.schemas.jury import CriteriaSchema
from shared.staff_pages import staff_page

bp = Blueprint("jury_staff_criteria", __name__, url_prefix="/staff/editions/<slug>/criteria")
FIELDS = ("label", "key", "weight")
SPARE = 2  # empty rows under the criteria, to add new ones
HELP = {
    "label": lazy_gettext("Vul een naam in van hoogstens 120 tekens."),
    "key": lazy_gettext("Kleine letters, cijfers, _ en -, hoogstens 40 tekens, zoals impact."),
    "weight": lazy_gettext("Vul een gewicht in groter dan 0, tot 100, zoals 1 of 1.5."),
    "criteria": lazy_gettext("Eén tot twintig criteria, elk met een eigen sleutel en naam."),
}
CLOSED = lazy_gettext("De jury is gesloten: de criteria liggen vast.")
FIXED = lazy_gettext(
    "Het scoren is begonnen: alleen de namen kunnen nog wijzigen, niet de sleutels of gewichten."
)


@bp.get("")
@staff_page("jury")
def criteria(slug: str):
    """The edition's criteria in a form, and spare rows to add new ones."""
    with backends().sessions() as db:
        edition = get_edition(db, slug)
        rows = [
            {"label": c.label, "key": c.key, "weight": f"{c.weight:g}"}
            for c in criteria_of(db, edition.id)
        ]
        return _page(db, edition, rows, {})


def _page(db: Session, edition: Edition, rows: list[dict], errors: dict, status: int = 200):
    spare = [dict.fromkeys(FIELDS, "") for _ in range(SPARE)]
    return render_template(
        "jury/staff_criteria.html",
        edition=edition,
        closed=is_closed(edition),
        rows=rows + spare,
        errors=errors,
        here="jury",
    ), status


@bp.post("")
@staff_page("jury")
def save(slug: str):
    """Replace the criteria with the rows filled in (an empty row is left out; the form
    comes back with those rows, numbered as the schema's errors count them)."""
    typed = [
        {name: request.form.get(f"{name}-{i}", "").strip() for name in FIELDS}
        for i in range(_row_count())
    ]
    rows = [row for row in typed if any(row.values())]
    with backends().sessions.begin() as db:
        edition = get_edition(db, slug)
        try:
            items = CriteriaSchema().load({"criteria": rows})["criteria"]
            with db.begin_nested():
                replace_criteria(db, edition, items, g.staff)
        except ValidationError as exc:
            return _page(db, edition, rows, errors_by_field(exc.messages), 422)
        except Conflict:
            fixed = CLOSED if is_closed(edition) else FIXED
            return _page(db, edition, rows, {"criteria": fixed}, 422)
    flash(_("De criteria zijn bewaard."))
    return redirect(url_for(".criteria", slug=slug), 303)


def _row_count() -> int:
    """How many rows the form sent (its fields are numbered from 0), at most 40."""
    numbers = [name.rsplit("-", 1)[-1] for name in request.form if name.startswith(FIELDS)]
    return min(40, 1 + max((int(n) for n in numbers if n.isdigit()), default=-1))


def errors_by_field(messages: dict) -> dict:
    """The schema's refusal as one message per field of a row (`weight-2`), or for the
    whole set (`criteria`)."""
    found = messages.get("criteria", messages)
    if not isinstance(found, dict):
        return {"criteria": HELP["criteria"]}
    errors = {}
    for index, problems in found.items():
        if isinstance(index, int) and isinstance(problems, dict):
            errors |= {f"{name}-{index}": HELP.get(name, HELP["criteria"]) for name in problems}
        else:
            errors["criteria"] = HELP["criteria"]
    return errors
