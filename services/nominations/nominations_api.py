"""The nominations JSON API: the public nominates; staff list, read, screen and export."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify
from flask_babel import get_locale
from werkzeug.exceptions import NotFound

from services.nominations.confirmation import verify_nominee
from services.nominations.editions import get_edition
from services.nominations.export import to_csv
from services.nominations.models import Nomination
from services.nominations.nominations import nominate
from services.nominations.screening import decide, get_nomination, list_filters, screened
from shared.auth import staff_required
from shared.backends import backends
from shared.http import load_json
from shared.limits import per_client_and_network
from shared.pagination import cursor_after, keyset_page, page_limit
from shared.schemas.nominations import DecisionSchema, NominationListSchema, NominationSchema

bp = Blueprint("nominations_api", __name__, url_prefix="/api/v1")
NOMINATION = NominationSchema()
ACCEPTED = (202, 303)  # a nomination taken in, by the API or by the form


def _taken_in(response) -> bool:
    return response.status_code in ACCEPTED


# One counter per client address and one per network for the API and the form together;
# only nominations taken in count, so correcting a mistake costs nothing.
nomination_limit = per_client_and_network(
    "nominations_rate_limit",
    "nominations_rate_limit_network",
    scope="nominate",
    methods=["POST"],
    deduct_when=_taken_in,
)


@bp.post("/editions/<slug>/nominations")
@nomination_limit
def post_nomination(slug: str):
    """Nominate an innovation; the nominator gets a mail with a confirmation link.
    ---
    post:
      tags: [nominations]
      requestBody:
        required: true
        content:
          application/json: {schema: NominationSchema}
      responses:
        202:
          description: taken in; confirmed once the nominator follows the mailed link (the id
            of an innovation nominated before when this is the same one)
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}, status: {type: string}}
        409: {$ref: '#/components/responses/409'}
        429: {$ref: '#/components/responses/429'}
    """
    data = load_json(NOMINATION)
    with backends().sessions.begin() as session:
        nominator = nominate(session, get_edition(session, slug), data, str(get_locale()))
        return jsonify({"id": nominator.nomination_id, "status": "unconfirmed"}), 202


@bp.get("/editions/<slug>/nominations")
@staff_required("screening")
def list_nominations(slug: str):
    """The confirmed nominations of an edition, oldest first, filtered, a page at a time.
    ---
    get:
      tags: [screening]
      parameters:
        - {in: query, name: status, schema: {type: string, enum: [submitted, accepted, rejected]}}
        - {in: query, name: region, schema: {type: string}}
        - {in: query, name: theme, schema: {type: string}}
        - {in: query, name: q, schema: {type: string}, description: words in the texts}
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: a page of nominations
          content:
            application/json: {schema: NominationListSchema}
        400: {$ref: '#/components/responses/400'}
        422: {$ref: '#/components/responses/422'}
    """
    filters, limit, after = list_filters(), page_limit(), cursor_after(int)
    with backends().sessions() as session:
        query = screened(get_edition(session, slug), filters)
        page = keyset_page(session, query, Nomination.seq, limit, after)
        return jsonify(NominationListSchema().dump(page))


@bp.get("/editions/<slug>/nominations.csv")
@staff_required("screening")
def export_nominations(slug: str):
    """The confirmed nominations of an edition as CSV (UTF-8 with BOM), same filters.
    ---
    get:
      tags: [screening]
      parameters:
        - {in: query, name: status, schema: {type: string, enum: [submitted, accepted, rejected]}}
        - {in: query, name: region, schema: {type: string}}
        - {in: query, name: theme, schema: {type: string}}
        - {in: query, name: q, schema: {type: string}}
      responses:
        200:
          description: one row a nomination, with a header row
          content:
            text/csv: {schema: {type: string}}
        422: {$ref: '#/components/responses/422'}
    """
    filters = list_filters()
    with backends().sessions() as session:
        query = screened(get_edition(session, slug), filters).order_by(Nomination.seq)
        body = to_csv(session.scalars(query))
    disposition = f'attachment; filename="nominaties-{slug}.csv"'
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@bp.get("/nominations/<nomination_id>")
@staff_required("screening")
def get_one(nomination_id: str):
    """One nomination, with its screening history.
    ---
    get:
      tags: [screening]
      responses:
        200:
          description: the nomination and its decisions
          content:
            application/json: {schema: NominationSchema}
    """
    with backends().sessions() as session:
        nomination = get_nomination(session, nomination_id)
        if nomination.status == "unconfirmed":
            raise NotFound("No confirmed nomination with this id.")
        return jsonify(NOMINATION.dump(nomination))


@bp.patch("/nominations/<nomination_id>")
@staff_required("screening")
def patch_nomination(nomination_id: str):
    """Accept or reject a confirmed nomination, with a note; kept in the audit log.
    ---
    patch:
      tags: [screening]
      requestBody:
        required: true
        content:
          application/json: {schema: DecisionSchema}
      responses:
        200:
          description: the nomination after the decision, with its history
          content:
            application/json: {schema: NominationSchema}
        409: {$ref: '#/components/responses/409'}
    """
    data = load_json(DecisionSchema())
    with backends().sessions.begin() as session:
        nomination = decide(session, get_nomination(session, nomination_id), data, g.staff)
        return jsonify(NOMINATION.dump(nomination))


@bp.post("/nominations/<nomination_id>/nominee-verified")
@staff_required("screening")
def nominee_verified(nomination_id: str):
    """Record that staff verified the nominee's address (it is whatever the first nominator
    typed): from then on, the nominee's request not to be named in public counts.
    ---
    post:
      tags: [screening]
      responses:
        200:
          description: the nomination, with when its nominee's address was verified
          content:
            application/json: {schema: NominationSchema}
    """
    with backends().sessions.begin() as session:
        nomination = get_nomination(session, nomination_id)
        verify_nominee(session, nomination)
        return jsonify(NOMINATION.dump(nomination))
