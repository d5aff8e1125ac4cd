"""The event envelope: what travels between services on the bus."""

from marshmallow import Schema, fields, validate

OUTBOX_STATES = ("pending", "sent", "acked", "failed")
EVENT_TYPE = validate.Regexp(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


class EnvelopeSchema(Schema):
    """One event: a unique id (the consumer's idempotency key), its type, who sent it, when,
    and the id of the request that caused it, if one did (older events have none)."""

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=EVENT_TYPE)
    source = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    payload = fields.Dict(required=True)
    request_id = fields.String(
        allow_none=True, load_default=None, metadata={"description": "the producer's request"}
    )


class FailedEventSchema(Schema):
    """An event job that ended in rq's failed registry, as staff see it."""

    job_id = fields.String(required=True)
    events = fields.List(fields.Nested(EnvelopeSchema(only=("id", "type", "source", "request_id"))))
    failed_at = fields.AwareDateTime(allow_none=True)
    error = fields.String(metadata={"description": "the last line of the exception"})


class FailedEventListSchema(Schema):
    items = fields.List(fields.Nested(FailedEventSchema))
    next = fields.String(allow_none=True)


class OutboxEventSchema(Schema):
    """An event as its producer's outbox keeps it."""

    event_id = fields.String()
    type = fields.Function(lambda row: row.envelope["type"])
    destination = fields.String()
    state = fields.String(validate=validate.OneOf(OUTBOX_STATES))
    job_id = fields.String(allow_none=True)
    attempts = fields.Integer()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    acked_at = fields.AwareDateTime(allow_none=True)


class OutboxListSchema(Schema):
    items = fields.List(fields.Nested(OutboxEventSchema))
    next = fields.String(allow_none=True)
