"""Public votes: what a voter sends, a vote as staff see it, a staff decision on a vote.

The tally itself is `TallySchema` in shared/schemas/contest.py: the same figures travel to
the hub in the `tally.final` event.
"""

from marshmallow import Schema, fields, validate

from shared.schemas.fields import Email

VOTE_STATUSES = ("unconfirmed", "counted", "quarantined", "rejected")
DECISIONS = ("counted", "rejected")


class VoteInSchema(Schema):
    """A vote as the public casts it: one finalist, the voter's e-mail address (no
    throwaway-mail domains), confirmed later from the mail."""

    finalist_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    email = Email(required=True, disposable=False, validate=validate.Length(max=320))


class VoteAcceptedSchema(Schema):
    """The answer to a cast vote: always `unconfirmed`, whoever the voter is."""

    status = fields.String(required=True, validate=validate.OneOf(("unconfirmed",)))


class VoteItemSchema(Schema):
    """A vote as staff see it: never the voter's address."""

    id = fields.String(required=True)
    finalist_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(VOTE_STATUSES))
    reasons = fields.List(fields.String(), required=True)
    created_at = fields.AwareDateTime(required=True)


class VoteDecisionSchema(Schema):
    """Staff release (`counted`) or reject a vote, saying why."""

    status = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
