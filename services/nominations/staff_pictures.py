"""The hub's staff page of a finalist's picture: upload one (JPEG, PNG or WebP, at most
5 MB), give its alt text in Dutch and English, or remove it. The same domain functions as
the API's (services/nominations/pictures.py), so the picture is checked, stripped and
re-encoded the same way, and voting gets it the same way.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import ValidationError

from services.nominations import staff_forms
from services.nominations.editions import get_edition
from services.nominations.finalists import picture_view
from services.nominations.images import MAX_BYTES, renditions
from services.nominations.pictures import (
    describe_picture,
    finalist_of,
    remove_picture,
    store_picture,
)
from shared.backends import backends
from shared.http import body_limit
from shared.schemas.nominations import PictureAltSchema
from shared.staff_pages import staff_page

bp = Blueprint("hub_staff_pictures", __name__, url_prefix="/staff/editions/<slug>/finalists")
FORM_SPARE = 64 * 1024  # the alt texts and the CSRF token beside the picture
NOT_A_PICTURE = lazy_gettext(
    "Kies een foto (JPEG, PNG of WebP) van hoogstens 5 MB en 40 miljoen pixels."
)
ALT_HELP = lazy_gettext("Hoogstens 300 tekens.")


@bp.get("/<finalist_id>/foto")
@staff_page("screening")
def picture(slug: str, finalist_id: str):
    """The finalist's picture as voting shows it, and the form to change it."""
    with backends().sessions() as session:
        return _page(session, slug, finalist_id, {}, {})


def _page(session, slug: str, finalist_id: str, values: dict, errors: dict, status: int = 200):
    edition = get_edition(session, slug)
    finalist = finalist_of(session, edition, finalist_id)
    nomination = finalist.nomination
    shown = picture_view(nomination.picture)
    return render_template(
        "staff/picture.html",
        edition=edition,
        nomination=nomination,
        picture=shown,
        values=values or (shown or {}),
        errors=errors,
        here="finalists",
    ), status


@bp.post("/<finalist_id>/foto")
@body_limit(MAX_BYTES + FORM_SPARE)
@staff_page("screening")
def save_picture(slug: str, finalist_id: str):
    """Store the uploaded picture (if one was chosen) and the alt texts."""
    values = {name: request.form.get(name, "") for name in ("alt_nl", "alt_en")}
    upload = request.files.get("picture")
    try:
        alt = PictureAltSchema().load(values)
        sizes = renditions(upload.read()) if upload and upload.filename else None
    except ValidationError as exc:
        errors = {name: _message(name) for name in staff_forms.messages_of(exc)}
        with backends().sessions() as session:
            return _page(session, slug, finalist_id, values, errors, 422)
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        finalist = finalist_of(session, edition, finalist_id)
        if sizes is None and finalist.nomination.picture is None:
            return _page(session, slug, finalist_id, values, {"picture": NOT_A_PICTURE}, 422)
        if sizes is not None:
            store_picture(session, edition, finalist, sizes, g.staff)
        describe_picture(session, edition, finalist, alt)
    flash(_("De foto is bewaard; de stempagina's tonen ze."))
    return redirect(url_for(".picture", slug=slug, finalist_id=finalist_id), 303)


def _message(field: str) -> str:
    return NOT_A_PICTURE if field == "picture" else ALT_HELP


@bp.post("/<finalist_id>/foto/verwijderen")
@staff_page("screening")
def delete_picture(slug: str, finalist_id: str):
    """Remove the finalist's picture."""
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        remove_picture(session, edition, finalist_of(session, edition, finalist_id))
    flash(_("De foto is verwijderd."))
    return redirect(url_for(".picture", slug=slug, finalist_id=finalist_id), 303)
