"""Voting's public JSON API: casting a vote, and the tally (staff, or public when the
edition says so)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import get_locale

from services.voting import limits, tally, votes
from services.voting.models import Edition
from shared.auth import authenticate
from shared.backends import backends
from shared.editions import edition_or_404
from shared.http import load_json
from shared.schemas.contest import TallySchema
from shared.schemas.votes import VoteAcceptedSchema, VoteInSchema

bp = Blueprint("voting_api", __name__, url_prefix="/api/v1")
VOTE_IN = VoteInSchema()
ACCEPTED = VoteAcceptedSchema().dump({"status": "unconfirmed"})
TALLY = TallySchema()


@bp.post("/editions/<slug>/votes")
@limits.limited
def post_vote(slug: str):
    """Cast a vote; a mail with a confirmation link follows. The answer is the same for a
    person who voted before (their mail tells them), so it reveals nothing about an address.
    ---
    post:
      tags: [votes]
      requestBody:
        required: true
        content:
          application/json: {schema: VoteInSchema}
      responses:
        202:
          description: taken, waiting for the confirmation from the mail
          content:
            application/json: {schema: VoteAcceptedSchema}
        409: {$ref: '#/components/responses/409'}
        429: {$ref: '#/components/responses/429'}
    """
    data = load_json(VOTE_IN)
    votes.take_vote(slug, data, lang=str(get_locale() or "nl"))
    return jsonify(ACCEPTED), 202


@bp.get("/editions/<slug>/tally")
def get_tally(slug: str):
    """Counted votes per finalist (every finalist, in the hub's order) and the votes held,
    unconfirmed or rejected. Staff with the `votes` right; anyone when the edition's tally
    is public.
    ---
    get:
      tags: [votes]
      security: [{staffToken: []}, {}]
      responses:
        200:
          description: the tally now
          content:
            application/json: {schema: TallySchema}
    """
    with backends().sessions() as session:
        edition = edition_or_404(session, Edition, slug)
        if not edition.public_tally:
            authenticate(session, "votes")
        return jsonify(TALLY.dump(tally.tally(session, edition)))
