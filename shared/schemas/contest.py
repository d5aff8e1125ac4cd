"""What the services tell each other about a contest: finalists, the final tally, the ranking.

Nominations sends `finalists.selected` to voting and jury; voting sends `tally.final` and jury
`ranking.final` back to the hub when their round closes; jury tells voting of each juror
(`juror.listed`, as a keyed hash only), since jurors may not vote. The same schemas document the
staff API that shows these figures.
"""

from marshmallow import Schema, fields, validate

FINALISTS_SELECTED = "finalists.selected"
TALLY_FINAL = "tally.final"
RANKING_FINAL = "ranking.final"
JUROR_LISTED = "juror.listed"
SHA256 = validate.Regexp(r"^[0-9a-f]{64}$")


class FinalistSchema(Schema):
    """A finalist as the public and the other services see it; its id is its nomination's."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    organisation = fields.String(required=True)
    summary = fields.String(required=True)


class FinalistsEventSchema(Schema):
    """The whole set of an edition's finalists, replacing any earlier set."""

    edition = fields.String(required=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    finalists = fields.List(fields.Nested(FinalistSchema), required=True)


class VoteCountSchema(Schema):
    finalist_id = fields.String(required=True)
    votes = fields.Integer(required=True, validate=validate.Range(min=0))


class TallySchema(Schema):
    """Counted votes per finalist (every finalist listed), and the votes not counted."""

    finalists = fields.List(fields.Nested(VoteCountSchema), required=True)
    quarantined = fields.Integer(required=True)
    unconfirmed = fields.Integer(required=True)
    rejected = fields.Integer(required=True)


class RoundEventSchema(Schema):
    """What a round's final figures carry besides the figures: the edition, the close they
    are for, and when they were counted. A round that reopens and closes again sends a later
    close; staff decisions after the close send the same close counted later (a correction).
    The hub keeps the newest by (closed_at, counted_at)."""

    edition = fields.String(required=True)
    closed_at = fields.AwareDateTime(required=True)
    counted_at = fields.AwareDateTime(required=True)


class TallyEventSchema(TallySchema, RoundEventSchema):
    """The final tally of an edition, sent when voting closes, with the SHA-256 of the public
    bulletin made from the same votes (none in tallies sent before bulletins existed)."""

    bulletin_sha256 = fields.String(load_default=None, allow_none=True, validate=SHA256)


class RankedFinalistSchema(Schema):
    finalist_id = fields.String(required=True)
    score = fields.Float(required=True, allow_none=True)
    rank = fields.Integer(required=True, validate=validate.Range(min=1))


class RankingEventSchema(RoundEventSchema):
    """The jury's final ranking of an edition, sent when jury scoring closes."""

    ranking = fields.List(fields.Nested(RankedFinalistSchema), required=True)


class JurorListedEventSchema(Schema):
    """A juror of an edition, as voting needs to know them: the keyed hash of the person."""

    edition = fields.String(required=True)
    person_hash = fields.String(required=True, validate=validate.Length(equal=64))
