"""Staff review of votes: the quarantine list, decisions on many votes at once, and the
integrity report published after voting closes.

A single vote as staff see it and a decision on one vote are in shared/schemas/votes.py.
"""

from enum import StrEnum

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from shared.schemas.votes import DECISIONS, VOTE_STATUSES, VoteItemSchema


class Reason(StrEnum):
    """The fraud signals (services/voting/fraud.py): what a held vote was held for."""

    HONEYPOT = "honeypot"
    TOO_FAST = "too_fast"
    NETWORK_FLOOD = "network_flood"
    FINALIST_BURST = "finalist_burst"
    SIMILAR_ADDRESSES = "similar_addresses"
    MACHINE_RHYTHM = "machine_rhythm"
    JUROR = "juror"
    SHARED_DOMAIN = "shared_domain"
    MACHINE_NAME = "machine_name"
    FAST_CLICK = "fast_click"
    GENERATED_NAMES = "generated_names"
    CLICK_WAVE = "click_wave"


REASONS = tuple(reason.value for reason in Reason)
MAX_IDS = 1000


class ReviewedVoteSchema(VoteItemSchema):
    """A vote as reviewing staff see it: also the network it was cast from (a /24 or /64,
    so one school's held votes can be told apart and released together; gone once voters'
    data are erased), when it was confirmed, and the evidence the fraud signals found then
    (each signal's score) with its total. Never the address."""

    network = fields.String(required=True, allow_none=True)
    confirmed_at = fields.AwareDateTime(required=True, allow_none=True)
    evidence = fields.Dict(
        keys=fields.String(validate=validate.OneOf(REASONS)), values=fields.Float(), allow_none=True
    )
    score = fields.Float(allow_none=True)


class VotePageSchema(Schema):
    """One page of an edition's votes; `next` is the cursor of the following page."""

    items = fields.List(fields.Nested(ReviewedVoteSchema), required=True)
    next = fields.String(required=True, allow_none=True)


SCORE = {"validate": validate.Range(min=0, max=100), "allow_nan": False}
# The rules that may choose votes by themselves; a network or a finalist only narrows them.
CHOOSING = frozenset({"reason", "min_score", "max_score"})


class VoteRulesSchema(Schema):
    """Which votes: held for `reason`, scored within a band (`min_score` included up to
    `max_score` excluded), from one network, for one finalist (each optional)."""

    reason = fields.String(validate=validate.OneOf(REASONS))
    min_score = fields.Float(**SCORE)
    max_score = fields.Float(**SCORE)
    network = fields.String(validate=validate.Length(min=1, max=64))
    finalist_id = fields.String(validate=validate.Length(min=1, max=64))

    @validates_schema
    def _band(self, data: dict, **_kwargs) -> None:
        if data.get("min_score", 0.0) >= data.get("max_score", float("inf")):
            raise ValidationError("min_score must be below max_score", "max_score")


class VoteFilterSchema(VoteRulesSchema):
    """Which held votes a bulk decision takes: those held for `reason`, or those whose
    evidence scored within a band, or both; optionally only those from one network or for
    one finalist."""

    @validates_schema
    def _reason_or_band(self, data: dict, **_kwargs) -> None:
        if not CHOOSING & set(data):
            raise ValidationError("give a reason or a score band", "reason")


class BulkDecisionSchema(Schema):
    """Release (`counted`) or reject many votes of an edition at once: listed by `ids`, or
    every quarantined vote matching `filter` (at most MAX_IDS a call; call again for more)."""

    ids = fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        validate=validate.Length(min=1, max=MAX_IDS),
    )
    filter = fields.Nested(VoteFilterSchema)
    status = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    note = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def _ids_or_filter(self, data: dict, **_kwargs) -> None:
        if ("ids" in data) == ("filter" in data):
            raise ValidationError("give either ids or filter", "ids")


class BulkResultSchema(Schema):
    """What a bulk decision did: votes changed, votes already so (or not yet confirmed), and
    for a filter how many matching votes are still held after this call."""

    changed = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    remaining = fields.Integer(required=True)


class ReasonFiguresSchema(Schema):
    """The votes one fraud signal held, and what became of them (a vote held for two
    reasons is in both lines)."""

    reason = fields.String(required=True, validate=validate.OneOf(REASONS))
    held = fields.Integer(required=True)
    released = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    quarantined = fields.Integer(required=True)


class ViaFiguresSchema(Schema):
    """The confirmed votes for one finalist that came through shared links carrying one
    `?via=` word: counted and still held apart."""

    finalist_id = fields.String(required=True)
    name = fields.String(required=True)
    via = fields.String(required=True)
    counted = fields.Integer(required=True)
    quarantined = fields.Integer(required=True)


class IntegritySchema(Schema):
    """An edition's voting in figures, after voting closed, for staff to publish as is.

    cast: votes sent; confirmed: of those, confirmed by mail; counted: in the result now;
    quarantined: still held; released: held, then counted by staff; rejected: excluded by
    staff; unconfirmed: never confirmed (not counted); by_via: the confirmed votes that came
    through shared links, per finalist and `?via=` word."""

    edition = fields.String(required=True)
    voting_close = fields.AwareDateTime(required=True)
    cast = fields.Integer(required=True)
    confirmed = fields.Integer(required=True)
    counted = fields.Integer(required=True)
    quarantined = fields.Integer(required=True)
    released = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    unconfirmed = fields.Integer(required=True)
    by_reason = fields.List(fields.Nested(ReasonFiguresSchema), required=True)
    by_via = fields.List(fields.Nested(ViaFiguresSchema), required=True)
    bulletin_sha256 = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "SHA-256 of the public bulletin of these votes"},
    )


class VoteQuerySchema(VoteRulesSchema):
    """The filters of the staff list of votes (all optional), from the query string."""

    class Meta:
        unknown = EXCLUDE  # limit and cursor are read by the pagination

    status = fields.String(validate=validate.OneOf(VOTE_STATUSES))


class DecisionSchema(Schema):
    """One line of the audit log: a staff decision on a vote."""

    id = fields.Integer(required=True)
    vote_id = fields.String(required=True)
    from_status = fields.String(required=True, validate=validate.OneOf(VOTE_STATUSES))
    to_status = fields.String(required=True, validate=validate.OneOf(VOTE_STATUSES))
    staff = fields.String(required=True)
    note = fields.String(required=True)
    decided_at = fields.AwareDateTime(required=True)


class DecisionPageSchema(Schema):
    """One page of the audit log, oldest first."""

    items = fields.List(fields.Nested(DecisionSchema), required=True)
    next = fields.String(required=True, allow_none=True)
