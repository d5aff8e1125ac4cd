"""Nominations as the public sends them and staff screen them; finalists, results, winners.

One schema per resource, used both to validate what comes in and to document the API: the
fields a client sends are plain, those only the hub fills in are `dump_only`.
"""

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from shared.schemas.contest import FinalistSchema, RankedFinalistSchema, VoteCountSchema
from shared.schemas.editions import in_contest_years
from shared.schemas.fields import Email

# Where an entrant is based: the Flemish provinces and Brussels.
REGIONS = (
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "Vlaams-Brabant",
    "West-Vlaanderen",
    "Brussel",
)
THEMES = (
    "armoede",
    "zorg",
    "gezondheid",
    "onderwijs",
    "werk",
    "wonen",
    "klimaat",
    "energie",
    "mobiliteit",
    "voeding",
    "inclusie",
    "samenleven",
    "cultuur",
    "andere",
)
SCREENED = ("submitted", "accepted", "rejected")  # the statuses staff see
DECISIONS = ("accepted", "rejected")
AWARDS = ("jury", "public")
NAME = validate.Length(min=2, max=200)
STORY = validate.Length(min=20, max=3000)


def text(check: validate.Validator, **kwargs) -> fields.String:
    """A required text field, trimmed of surrounding blanks before it is checked."""
    return TrimmedString(required=True, validate=check, **kwargs)


class TrimmedString(fields.String):
    """A string as a person typed it, without the blanks around it."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class DecisionSchema(Schema):
    """A screening decision: staff send `status` and `note`; the audit log adds who and when."""

    status = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    from_status = fields.String(dump_only=True)
    staff = fields.String(dump_only=True)
    decided_at = fields.AwareDateTime(dump_only=True)


class NominatorSchema(Schema):
    """One nominator as staff see them: who, when they confirmed, and the texts they sent
    (the innovation's fields as this person described it)."""

    name = fields.String(dump_only=True)
    email = fields.String(dump_only=True)
    confirmed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    texts = fields.Dict(keys=fields.String(), values=fields.String(), dump_only=True)


class NominationSchema(Schema):
    """A nomination: what the public sends (form and API alike), and the staff's view of it.

    The answer to the public is only `id` and `status`; the rest is for staff."""

    id = fields.String(dump_only=True)
    status = fields.String(dump_only=True, validate=validate.OneOf(("unconfirmed", *SCREENED)))
    nominee_name = text(NAME, metadata={"description": "the innovator or the project"})
    organisation = text(NAME)
    nominee_email = Email(required=True, disposable=False, validate=validate.Length(max=320))
    website = fields.URL(
        load_default="", schemes={"http", "https"}, validate=validate.Length(max=300)
    )
    region = fields.String(required=True, validate=validate.OneOf(REGIONS))
    theme = fields.String(required=True, validate=validate.OneOf(THEMES))
    problem = text(STORY, metadata={"description": "the social problem it tackles"})
    solution = text(STORY, metadata={"description": "what was realised, concretely"})
    impact = text(STORY, metadata={"description": "what it changed, for whom"})
    nominator_name = text(NAME)
    nominator_email = Email(required=True, disposable=False, validate=validate.Length(max=320))
    consent = fields.Boolean(
        required=True,
        load_only=True,
        validate=validate.Equal(True, error="Consent to the privacy notice is needed."),
    )
    public = fields.Boolean(
        dump_only=True, metadata={"description": "false when the nominee declined publicity"}
    )
    decline_requested_at = fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "the decline link was used; it counts once verified"},
    )
    nominee_verified_at = fields.AwareDateTime(
        dump_only=True,
        allow_none=True,
        metadata={"description": "staff verified the nominee's address"},
    )
    nominators = fields.List(fields.Nested(NominatorSchema), dump_only=True)
    nominations = fields.Integer(
        dump_only=True,
        attribute="nomination_count",
        metadata={"description": "confirmed nominations of this innovation"},
    )
    note = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    confirmed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    decided_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    decisions = fields.List(fields.Nested(DecisionSchema), dump_only=True)

    @pre_load
    def _no_website(self, data, **_kwargs):
        """A website left blank is no website (not an invalid one)."""
        if isinstance(data, dict) and data.get("website") in ("", None):
            data = {k: v for k, v in data.items() if k != "website"}
        return data


class NominationListSchema(Schema):
    """A page of the staff list of nominations."""

    items = fields.List(fields.Nested(NominationSchema))
    next = fields.String(allow_none=True)


class FinalistsSchema(Schema):
    """An edition's finalists: staff send `nomination_ids` (accepted nominations, at most
    the edition's finalist_count); everyone reads `finalists`."""

    nomination_ids = fields.List(
        fields.String(validate=validate.Length(max=64)),
        required=True,
        load_only=True,
        validate=validate.Length(max=100),
    )
    finalists = fields.List(fields.Nested(FinalistSchema), dump_only=True)
    revision = fields.Integer(dump_only=True)

    @validates_schema
    def _each_once(self, data: dict, **_kwargs) -> None:
        ids = data.get("nomination_ids", [])
        if len(set(ids)) != len(ids):
            raise ValidationError("each nomination at most once", "nomination_ids")


class PictureAltSchema(Schema):
    """What staff say a finalist's picture shows, for those who cannot see it (alt text),
    in Dutch and in English; either may be sent alone."""

    alt_nl = TrimmedString(validate=validate.Length(max=300))
    alt_en = TrimmedString(validate=validate.Length(max=300))


class TieSchema(Schema):
    """A tie for first place and how the edition's tie rule settled it."""

    award = fields.String(validate=validate.OneOf(AWARDS))
    finalist_ids = fields.List(fields.String())
    resolved_by = fields.String(
        validate=validate.OneOf(("jury_score", "public_votes", "shared", "pending")),
        metadata={"description": "pending: the other round's figures have not arrived"},
    )
    winners = fields.List(fields.String())


class ResultsSchema(Schema):
    """The final figures of both rounds, and the winners the tie rule gives."""

    public = fields.List(fields.Nested(VoteCountSchema), dump_only=True)
    jury = fields.List(fields.Nested(RankedFinalistSchema), dump_only=True)
    complete = fields.Boolean(dump_only=True)
    tie_break = fields.String(dump_only=True)
    winners_by_rule = fields.Dict(
        keys=fields.String(validate=validate.OneOf(AWARDS)),
        values=fields.List(fields.String()),
        dump_only=True,
    )
    ties = fields.List(fields.Nested(TieSchema), dump_only=True)
    tally_closed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    ranking_closed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    quarantined = fields.Integer(dump_only=True, allow_none=True)
    unconfirmed = fields.Integer(dump_only=True, allow_none=True)
    rejected = fields.Integer(dump_only=True, allow_none=True)
    bulletin_sha256 = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "SHA-256 of voting's public bulletin behind the tally"},
    )


class AwardSchema(Schema):
    """One award and the finalist who won it (shared awards are listed once per winner)."""

    award = fields.String(required=True, validate=validate.OneOf(AWARDS))
    finalist_id = fields.String(required=True, validate=validate.Length(max=64))
    name = fields.String(dump_only=True)
    organisation = fields.String(dump_only=True)


class WinnersSchema(Schema):
    """The winners: staff publish `awards` with an optional embargo `publish_at` (default
    now); the public sees them from that moment on."""

    edition = fields.String(dump_only=True)
    awards = fields.List(
        fields.Nested(AwardSchema), required=True, validate=validate.Length(min=1, max=20)
    )
    publish_at = fields.AwareDateTime(load_default=None, validate=in_contest_years)
    bulletin_sha256 = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "SHA-256 of the newest bulletin of the public vote"},
    )

    @validates_schema
    def _each_once(self, data: dict, **_kwargs) -> None:
        pairs = [(a["award"], a["finalist_id"]) for a in data.get("awards", [])]
        if len(set(pairs)) != len(pairs):
            raise ValidationError("each award and finalist at most once", "awards")
