"""The bulletin's public JSON API: the bulletin now, every bulletin made (the replaced ones
with when), and any of them by its hash. Public once voting has closed, 404 before."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from services.voting import bulletin
from services.voting.models import Bulletin, Edition
from shared.backends import backends
from shared.editions import edition_or_404
from shared.models import utcnow
from shared.pagination import cursor_after, keyset_page, page_limit
from shared.schemas.bulletin import BulletinVersionListSchema

bp = Blueprint("bulletin_api", __name__, url_prefix="/api/v1")
NOT_YET = "The bulletin is published once voting has closed."


def closed_edition(session: Session, slug: str) -> Edition:
    """The edition with this slug once its voting has closed; else 404."""
    edition = edition_or_404(session, Edition, slug)
    if utcnow() < edition.voting_close:
        raise NotFound(NOT_YET)
    return edition


@bp.get("/editions/<slug>/bulletin")
def get_bulletin(slug: str):
    """The public bulletin of the edition's vote: per finalist its counted votes and their
    sorted receipts, the votes held and rejected, and the SHA-256 of the document without
    `sha256` (sorted keys, no spaces, UTF-8). 404 before voting has closed.
    ---
    get:
      tags: [bulletin]
      responses:
        200:
          description: the newest bulletin
          content:
            application/json: {schema: BulletinSchema}
    """
    with backends().sessions() as session:
        shown = bulletin.public(session, edition_or_404(session, Edition, slug))
    if shown is None:
        raise NotFound(NOT_YET)
    return answer(shown)


@bp.get("/editions/<slug>/bulletins")
def list_bulletins(slug: str):
    """Every bulletin made of the edition, oldest first: why and when each was made, and
    when a newer one replaced it (a staff decision after the close). 404 before the close.
    ---
    get:
      tags: [bulletin]
      parameters:
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: one page of bulletins
          content:
            application/json: {schema: BulletinVersionListSchema}
    """
    limit, after = page_limit(), cursor_after()
    with backends().sessions() as session:
        edition = closed_edition(session, slug)
        query = select(Bulletin).where(Bulletin.edition_id == edition.id)
        page = keyset_page(session, query, Bulletin.id, limit, after)
        return jsonify(BulletinVersionListSchema().dump(page))


@bp.get("/editions/<slug>/bulletins/<sha256>")
def get_bulletin_by_hash(slug: str, sha256: str):
    """A bulletin of the edition by its hash, the replaced ones too.
    ---
    get:
      tags: [bulletin]
      responses:
        200:
          description: the bulletin with this hash
          content:
            application/json: {schema: BulletinSchema}
    """
    with backends().sessions() as session:
        found = bulletin.by_hash(session, closed_edition(session, slug), sha256)
    if found is None:
        raise NotFound("No bulletin of this edition has this hash.")
    return answer(found)


def answer(shown: Bulletin) -> Response:
    """The bulletin as JSON, tagged with its hash so that a reader who has it already gets
    304, and kept a short while by caches (a decision may replace it)."""
    response = Response(bulletin.body(shown), mimetype="application/json")
    response.set_etag(shown.sha256)
    response.cache_control.public = True
    response.cache_control.max_age = backends().settings.bulletin_cache_seconds
    return response.make_conditional(request)
