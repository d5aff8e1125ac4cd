"""Finalists' pictures over HTTP: staff upload one (the body is the picture itself), give its
alt text or remove it; anyone fetches its renditions, under names that change with their
content, so they are cached for a year.

Every other request may carry at most 64 KiB (the app's MAX_CONTENT_LENGTH); an upload that
says it is a picture may carry 5 MB, and only here.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import NotFound, RequestEntityTooLarge, UnsupportedMediaType

from services.nominations.editions import get_edition
from services.nominations.finalists import picture_view
from services.nominations.images import MAX_BYTES, renditions
from services.nominations.pictures import (
    describe_picture,
    finalist_of,
    public_file,
    remove_picture,
    store_picture,
)
from shared.auth import staff_required
from shared.backends import backends
from shared.http import load_json
from shared.schemas.contest import PictureSchema
from shared.schemas.nominations import PictureAltSchema

bp = Blueprint("pictures_api", __name__, url_prefix="/api/v1")
served = Blueprint("pictures", __name__)
PICTURE_TYPES = ("image/jpeg", "image/png", "image/webp")
PICTURE = PictureSchema()
A_YEAR = 365 * 24 * 3600


@bp.put("/editions/<slug>/finalists/<finalist_id>/picture")
@staff_required("screening")
def put_picture(slug: str, finalist_id: str):
    """Give a finalist its picture (replacing any earlier one): JPEG, PNG or WebP, at most
    5 MB. The hub keeps it without metadata at three sizes; voting receives their addresses.
    ---
    put:
      tags: [finalists]
      requestBody:
        required: true
        content:
          image/jpeg: {schema: {type: string, format: binary}}
          image/png: {schema: {type: string, format: binary}}
          image/webp: {schema: {type: string, format: binary}}
      responses:
        200:
          description: the picture's sizes and alt text
          content:
            application/json: {schema: PictureSchema}
    """
    sizes = renditions(_picture_body())
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        finalist = finalist_of(session, edition, finalist_id)
        picture = store_picture(session, edition, finalist, sizes, g.staff)
        return jsonify(PICTURE.dump(picture_view(picture)))


def _picture_body() -> bytes:
    """The body, read under the pictures' size limit when it says it is a picture (413 past
    it), else under the app's; 415 when it is not declared as a picture."""
    if request.mimetype not in PICTURE_TYPES:
        request.get_data(cache=False)  # past the app's limit: 413 rather than 415
        raise UnsupportedMediaType("Send the picture as image/jpeg, image/png or image/webp.")
    request.max_content_length = MAX_BYTES
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge as exc:
        raise RequestEntityTooLarge("A picture may be at most 5 MB.") from exc


@bp.patch("/editions/<slug>/finalists/<finalist_id>/picture")
@staff_required("screening")
def patch_picture(slug: str, finalist_id: str):
    """Set the alt text of a finalist's picture, in Dutch (`alt_nl`) and English (`alt_en`).
    ---
    patch:
      tags: [finalists]
      requestBody:
        required: true
        content:
          application/json: {schema: PictureAltSchema}
      responses:
        200:
          description: the picture's sizes and alt text
          content:
            application/json: {schema: PictureSchema}
    """
    alt = load_json(PictureAltSchema())
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        finalist = finalist_of(session, edition, finalist_id)
        picture = describe_picture(session, edition, finalist, alt)
        return jsonify(PICTURE.dump(picture_view(picture)))


@bp.delete("/editions/<slug>/finalists/<finalist_id>/picture")
@staff_required("screening")
def delete_picture(slug: str, finalist_id: str):
    """Remove a finalist's picture.
    ---
    delete:
      tags: [finalists]
      responses:
        204: {description: removed}
    """
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        remove_picture(session, edition, finalist_of(session, edition, finalist_id))
    return "", 204


@served.get("/pictures/<finalist_id>/<name>")
def picture_file(finalist_id: str, name: str):
    """One size of a finalist's picture, cached for a year (its name changes with it).
    ---
    get:
      tags: [finalists]
      responses:
        200:
          description: the picture
          content:
            image/jpeg: {schema: {type: string, format: binary}}
    """
    with backends().sessions() as session:
        file = public_file(session, finalist_id, name)
        if file is None:
            raise NotFound("No such picture.")
        response = Response(file.data, mimetype=file.content_type)
    response.set_etag(name)
    response.cache_control.public = True
    response.cache_control.max_age = A_YEAR
    response.cache_control.immutable = True
    # Voting's pages and the link previews of other sites show it.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response.make_conditional(request)
