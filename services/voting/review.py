"""The staff JSON API for reviewing votes: the list (quarantine first of all), a decision on
one vote, on many at once, and the audit log of decisions. Never a clear address."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from services.voting.decisions import decide, decide_in_bulk, matching, resend_final_tally
from services.voting.models import Edition, Vote, VoteDecision
from shared.auth import staff_required
from shared.backends import backends
from shared.editions import edition_or_404
from shared.http import load_json
from shared.pagination import cursor_after, keyset_page, page_limit
from shared.schemas.review import (
    BulkDecisionSchema,
    BulkResultSchema,
    DecisionPageSchema,
    ReviewedVoteSchema,
    VotePageSchema,
    VoteQuerySchema,
)
from shared.schemas.votes import VoteDecisionSchema

bp = Blueprint("review", __name__, url_prefix="/api/v1")
VOTE = ReviewedVoteSchema()


def edition_by_slug(session: Session, slug: str) -> Edition:
    """The edition replica with this slug, or 404."""
    return edition_or_404(session, Edition, slug)


@bp.get("/editions/<slug>/votes")
@staff_required("votes")
def list_votes(slug: str):
    """An edition's votes, filtered by status, reason held for, score band, network,
    finalist; paginated.
    ---
    get:
      tags: [review]
      parameters:
        - {in: query, name: status, schema: {type: string, example: quarantined}}
        - {in: query, name: reason, schema: {type: string, example: network_flood}}
        - {in: query, name: min_score, schema: {type: number, example: 1.0}}
        - {in: query, name: max_score, schema: {type: number, example: 1.5}}
        - {in: query, name: network, schema: {type: string, example: 81.82.83.0/24}}
        - {in: query, name: finalist_id, schema: {type: string}}
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: one page of votes, without addresses
          content:
            application/json: {schema: VotePageSchema}
        400: {$ref: '#/components/responses/400'}
        422: {$ref: '#/components/responses/422'}
    """
    rules = VoteQuerySchema().load(request.args)
    limit, after = page_limit(), cursor_after(str)
    with backends().sessions() as session:
        query = matching(edition_by_slug(session, slug).id, rules)
        page = keyset_page(session, query, Vote.id, limit, after)
        return jsonify(VotePageSchema().dump(page))


@bp.patch("/votes/<vote_id>")
@staff_required("votes")
def patch_vote(vote_id: str):
    """Release (`counted`) or reject one confirmed vote; the decision is logged.
    ---
    patch:
      tags: [review]
      requestBody:
        required: true
        content:
          application/json: {schema: VoteDecisionSchema}
      responses:
        200:
          description: the vote with its new status
          content:
            application/json: {schema: ReviewedVoteSchema}
        409: {$ref: '#/components/responses/409'}
    """
    data = load_json(VoteDecisionSchema())
    with backends().sessions.begin() as session:
        vote = session.get(Vote, vote_id, with_for_update=True)
        if vote is None:
            raise NotFound("No vote with this id.")
        if decide(session, vote, data["status"], data["note"], g.staff):
            resend_final_tally(session, session.get(Edition, vote.edition_id))
        return jsonify(VOTE.dump(vote))


@bp.post("/editions/<slug>/votes/decisions")
@staff_required("votes")
def post_decisions(slug: str):
    """Release or reject many votes of an edition at once: by `ids`, or every quarantined
    vote held for a reason or scored within a band (`filter`, optionally from one network or
    for one finalist), at most 1000 a call. All or nothing.
    ---
    post:
      tags: [review]
      requestBody:
        required: true
        content:
          application/json: {schema: BulkDecisionSchema}
      responses:
        200:
          description: how many votes changed, and how many matching votes are still held
          content:
            application/json: {schema: BulkResultSchema}
    """
    data = load_json(BulkDecisionSchema())
    with backends().sessions.begin() as session:
        result = decide_in_bulk(session, edition_by_slug(session, slug), data, g.staff)
        return jsonify(BulkResultSchema().dump(result))


@bp.get("/editions/<slug>/decisions")
@staff_required("votes")
def list_decisions(slug: str):
    """The audit log of an edition: every staff decision on its votes, oldest first.
    ---
    get:
      tags: [review]
      parameters:
        - {in: query, name: limit, schema: {type: integer, minimum: 1}, description: at most 50}
        - {in: query, name: cursor, schema: {type: string}}
      responses:
        200:
          description: one page of decisions
          content:
            application/json: {schema: DecisionPageSchema}
        400: {$ref: '#/components/responses/400'}
    """
    limit, after = page_limit(), cursor_after(int)
    with backends().sessions() as session:
        edition = edition_by_slug(session, slug)
        query = (
            select(VoteDecision)
            .join(Vote, Vote.id == VoteDecision.vote_id)
            .where(Vote.edition_id == edition.id)
        )
        page = keyset_page(session, query, VoteDecision.id, limit, after)
        return jsonify(DecisionPageSchema().dump(page))
