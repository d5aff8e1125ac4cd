"""The hub's edition-wide JSON API: creating and rescheduling editions (reading is in
shared.editions, the same in every service), finalists, results and winners."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from services.nominations.editions import create_edition, get_edition, reschedule
from services.nominations.finalists import choose_finalists, finalists_of, public_view
from services.nominations.results import results
from services.nominations.rules import changes_page
from services.nominations.winners import (
    cache_control,
    public_winners,
    publish_winners,
    winners_view,
)
from shared.auth import authenticate, staff_required
from shared.backends import backends
from shared.errors import error_response
from shared.http import load_json
from shared.models import utcnow
from shared.pagination import cursor_after, page_limit
from shared.schemas.editions import EditionChangePageSchema, EditionPatchSchema, EditionSchema
from shared.schemas.nominations import FinalistsSchema, ResultsSchema, WinnersSchema

bp = Blueprint("api", __name__, url_prefix="/api/v1")
EDITION = EditionSchema()
FINALISTS = FinalistsSchema()
WINNERS = WinnersSchema()


@bp.post("/editions")
@staff_required("editions")
def post_edition():
    """Create an edition; voting and jury receive its schedule by event.
    ---
    post:
      tags: [editions]
      requestBody:
        required: true
        content:
          application/json: {schema: EditionSchema}
      responses:
        201:
          description: the created edition
          content:
            application/json: {schema: EditionSchema}
        409: {$ref: '#/components/responses/409'}
    """
    data = load_json(EDITION)
    with backends().sessions.begin() as session:
        edition = create_edition(session, data)
        return jsonify(EDITION.dump(edition.as_dict())), 201


@bp.patch("/editions/<slug>")
@staff_required("editions")
def patch_edition(slug: str):
    """Change the schedule; voting and jury follow by event. The rules (tie_break,
    public_tally) are fixed once voting opens (409); every change is in the audit log.
    ---
    patch:
      tags: [editions]
      requestBody:
        required: true
        content:
          application/json: {schema: EditionPatchSchema}
      responses:
        200:
          description: the rescheduled edition
          content:
            application/json: {schema: EditionSchema}
        409: {$ref: '#/components/responses/409'}
    """
    changes = load_json(EditionPatchSchema(), partial=True)
    with backends().sessions.begin() as session:
        edition = reschedule(session, get_edition(session, slug), changes, g.staff)
        return jsonify(EDITION.dump(edition.as_dict()))


@bp.get("/editions/<slug>/changes")
@staff_required("editions")
def get_changes(slug: str):
    """The edition's audit log: every change staff made to it, oldest first (paginated).
    ---
    get:
      tags: [editions]
      responses:
        200:
          description: one page of changes
          content:
            application/json: {schema: EditionChangePageSchema}
    """
    limit, after = page_limit(), cursor_after(int)
    with backends().sessions() as session:
        page = changes_page(session, get_edition(session, slug), limit, after)
        return jsonify(EditionChangePageSchema().dump(page))


@bp.put("/editions/<slug>/finalists")
@staff_required("screening")
def put_finalists(slug: str):
    """Choose the finalists from the accepted nominations (screening phase only); voting and
    jury receive them by event.
    ---
    put:
      tags: [finalists]
      requestBody:
        required: true
        content:
          application/json: {schema: FinalistsSchema}
      responses:
        200:
          description: the finalists, in the order given
          content:
            application/json: {schema: FinalistsSchema}
        409: {$ref: '#/components/responses/409'}
    """
    ids = load_json(FINALISTS)["nomination_ids"]
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        chosen = choose_finalists(session, edition, ids, g.staff)
        return jsonify(_finalists_body(edition, chosen))


@bp.get("/editions/<slug>/finalists")
def get_finalists(slug: str):
    """The finalists of an edition as the public sees them: public from voting_open, for
    staff (`screening`) before.
    ---
    get:
      tags: [finalists]
      security: [{staffToken: []}, {}]
      responses:
        200:
          description: the finalists (none before staff choose them)
          content:
            application/json: {schema: FinalistsSchema}
    """
    with backends().sessions() as session:
        edition = get_edition(session, slug)
        if utcnow() < edition.voting_open:
            authenticate(session, "screening")
        return jsonify(_finalists_body(edition, finalists_of(session, edition)))


def _finalists_body(edition, finalists) -> dict:
    views = [public_view(f.nomination) for f in finalists]
    return FINALISTS.dump({"finalists": views, "revision": edition.finalists_revision})


@bp.get("/editions/<slug>/results")
@staff_required("editions")
def get_results(slug: str):
    """The final tally and the jury's ranking, and the winners by the edition's tie rule.
    ---
    get:
      tags: [results]
      responses:
        200:
          description: both rounds' figures; complete once both have arrived
          content:
            application/json: {schema: ResultsSchema}
    """
    with backends().sessions() as session:
        return jsonify(ResultsSchema().dump(results(session, get_edition(session, slug))))


@bp.post("/editions/<slug>/winners")
@staff_required("editions")
def post_winners(slug: str):
    """Publish the winners, public from publish_at (default now); publishing again replaces
    them.
    ---
    post:
      tags: [winners]
      requestBody:
        required: true
        content:
          application/json: {schema: WinnersSchema}
      responses:
        201:
          description: the publication
          content:
            application/json: {schema: WinnersSchema}
        409: {$ref: '#/components/responses/409'}
    """
    data = load_json(WINNERS)
    with backends().sessions.begin() as session:
        edition = get_edition(session, slug)
        publication = publish_winners(session, edition, data, g.staff)
        return jsonify(WINNERS.dump(winners_view(session, edition, publication))), 201


@bp.get("/editions/<slug>/winners")
def get_winners(slug: str):
    """The winners, once published and past their embargo (404 before).
    ---
    get:
      tags: [winners]
      responses:
        200:
          description: the awards and their winners
          content:
            application/json: {schema: WinnersSchema}
    """
    with backends().sessions() as session:
        shown = public_winners(session, get_edition(session, slug))
    if shown is None:
        response, status = error_response(404, "not_found", "The winners are not published yet.")
    else:
        response, status = jsonify(WINNERS.dump(shown)), 200
    response.headers["Cache-Control"] = cache_control(
        shown is not None, backends().settings.winners_cache_seconds
    )
    return response, status
