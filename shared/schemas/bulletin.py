"""The public bulletin of an edition's vote: what voting publishes once voting has closed,
so that voters can find their receipt and anyone can recount and check its hash."""

from marshmallow import Schema, fields, validate

from shared.schemas.contest import SHA256

BULLETIN_REASONS = ("close", "review")


class BulletinFinalistSchema(Schema):
    """One finalist's counted votes and the sorted receipts of those votes."""

    finalist_id = fields.String(required=True)
    votes = fields.Integer(required=True, validate=validate.Range(min=0))
    receipts = fields.List(fields.String(), required=True)


class BulletinSchema(Schema):
    """The bulletin: `sha256` is the SHA-256 of the same document without that key, as
    `json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` in UTF-8.
    `closed_at` is passed on as written in the hashed document."""

    edition = fields.String(required=True)
    closed_at = fields.String(required=True, metadata={"format": "date-time"})
    finalists = fields.List(fields.Nested(BulletinFinalistSchema), required=True)
    held = fields.Integer(required=True, metadata={"description": "votes held for review"})
    rejected = fields.Integer(required=True, metadata={"description": "votes staff excluded"})
    sha256 = fields.String(required=True, validate=SHA256)


class BulletinVersionSchema(Schema):
    """A bulletin of an edition as made: why (`close`, or `review`: staff decided on votes
    after the close), when, and when a newer one replaced it (null for the bulletin now)."""

    sha256 = fields.String(required=True, validate=SHA256)
    closed_at = fields.AwareDateTime(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(BULLETIN_REASONS))
    made_at = fields.AwareDateTime(required=True)
    replaced_at = fields.AwareDateTime(required=True, allow_none=True)


class BulletinVersionListSchema(Schema):
    items = fields.List(fields.Nested(BulletinVersionSchema))
    next = fields.String(allow_none=True)
