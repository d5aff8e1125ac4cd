"""Privacy requests: a person asks for their data (export) or to be forgotten (erase).

Staff file the request at the hub, which acts on its own data at once and sends the
request by event to voting and jury as the keyed hash of the person (never the address);
each answers by event, and the request is done when all three have.
"""

from marshmallow import Schema, fields, validate

from shared.schemas.fields import Email

PRIVACY_REQUESTED = "privacy.requested"
PRIVACY_ANSWERED = "privacy.answered"
KINDS = ("export", "erase")
SERVICES = ("nominations", "voting", "jury")


class PrivacyRequestInSchema(Schema):
    """What staff send: the person's address (any spelling of it) and what they asked."""

    email = Email(required=True, validate=validate.Length(max=320))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class PrivacyRequestSchema(Schema):
    """A request as staff follow it; an export carries, once done, what each service holds."""

    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    status = fields.String(required=True, validate=validate.OneOf(("pending", "done")))
    created_at = fields.AwareDateTime(required=True)
    done_at = fields.AwareDateTime(allow_none=True)
    services = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
    data = fields.Dict(keys=fields.String(), values=fields.Dict())


class PrivacyRequestedEventSchema(Schema):
    """The request as voting and jury receive it: the keyed hash of the normalised address."""

    request_id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    person_hash = fields.String(required=True, validate=validate.Length(equal=64))


class PrivacyAnsweredEventSchema(Schema):
    """A service's answer: how many records it found or erased, and for an export its data."""

    request_id = fields.String(required=True)
    service = fields.String(required=True, validate=validate.OneOf(SERVICES))
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    data = fields.Dict(load_default=dict)
