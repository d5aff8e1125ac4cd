"""The JSON error shape every service answers with."""

from marshmallow import Schema, fields


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "a machine word"})
    message = fields.String(required=True, metadata={"description": "human text"})
    fields = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), load_default=dict
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)
