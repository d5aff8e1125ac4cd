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


class ImageSchema(Schema):
    """One size of a picture: where the hub serves it (an address that never changes its
    content) and its size in pixels."""

    url = fields.Url(required=True, require_tld=False)
    width = fields.Integer(required=True, validate=validate.Range(min=1))
    height = fields.Integer(required=True, validate=validate.Range(min=1))


class PictureSchema(Schema):
    """A finalist's picture at its three sizes (the page, the 1200x630 social preview, the
    thumbnail) with its alt text in Dutch and English (empty when staff gave none)."""

    page = fields.Nested(ImageSchema, required=True)
    social = fields.Nested(ImageSchema, required=True)
    thumbnail = fields.Nested(ImageSchema, required=True)
    alt_nl = fields.String(required=True)
    alt_en = fields.String(required=True)


class FinalistSchema(Schema):
    """A finalist as the public and voting see it; its id is its nomination's. `picture` is
    null without one, and always for a nominee who declined publicity (jury gets none)."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    organisation = fields.String(required=True)
    summary = fields.String(required=True)
    picture = fields.Nested(PictureSchema, allow_none=True)


class DossierSchema(FinalistSchema):
    """A finalist as voting and jury keep it: what the nominator wrote about the innovation
    (never an address of the nominator or the nominee) and how many people nominated it.

    A nominee who declined publicity (`declined_publicity`) reaches voting, which is public,
    as "Anoniem" without a website; jury, which is not, gets the name, the organisation and
    the website, and the keyed hash of the nominee's own mail domain (`nominee_domain_hash`,
    absent for voting, null for a public mailbox provider) to find jurors who may know the
    finalist. The defaults read a set sent before the dossier travelled with it.
    """

    region = fields.String(load_default="")
    theme = fields.String(load_default="")
    website = fields.String(load_default="")
    problem = fields.String(load_default="")
    solution = fields.String(load_default="")
    impact = fields.String(load_default="")
    nomination_count = fields.Integer(load_default=1, validate=validate.Range(min=0))
    declined_publicity = fields.Boolean(load_default=False)
    nominee_domain_hash = fields.String(allow_none=True, validate=validate.Length(equal=64))


class FinalistsEventSchema(Schema):
    """The whole set of an edition's finalists, replacing any earlier set."""

    edition = fields.String(required=True)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    finalists = fields.List(fields.Nested(DossierSchema), required=True)


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
