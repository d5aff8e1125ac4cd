"""An edition and its schedule: the windows of the contest, as moments with a time zone."""

from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

WINDOWS = ("nominations_open", "nominations_close", "voting_open", "voting_close", "jury_close")
PHASES = ("upcoming", "nominations", "screening", "voting", "jury", "closed")
TIE_BREAKS = ("other_award", "shared")
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lower-case letters, digits and -")


class EditionSchema(Schema):
    """The edition as staff create it, as the API shows it and as it travels as an event."""

    slug = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(load_default="Europe/Brussels", dump_default="Europe/Brussels")
    nominations_open = fields.AwareDateTime(required=True)
    nominations_close = fields.AwareDateTime(required=True)
    voting_open = fields.AwareDateTime(required=True)
    voting_close = fields.AwareDateTime(required=True)
    jury_close = fields.AwareDateTime(required=True)
    finalist_count = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    public_tally = fields.Boolean(load_default=False)
    tie_break = fields.String(load_default="other_award", validate=validate.OneOf(TIE_BREAKS))
    revision = fields.Integer(dump_only=True)
    phase = fields.String(dump_only=True, validate=validate.OneOf(PHASES))

    @validates("timezone")
    def _known_zone(self, value: str, **_kwargs) -> None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError("unknown time zone") from exc

    @validates_schema
    def _windows_in_order(self, data: dict, **_kwargs) -> None:
        check_window_order(data)


class EditionPatchSchema(EditionSchema):
    """The fields staff may change after creation: everything but the slug."""

    class Meta:
        exclude = ("slug",)


def check_window_order(data: dict) -> None:
    """Raise unless the given windows follow each other: each close after its open."""
    present = [(name, data[name]) for name in WINDOWS if data.get(name) is not None]
    for (before, t0), (after, t1) in pairwise(present):
        strict = (before, after) in (
            ("nominations_open", "nominations_close"),
            ("voting_open", "voting_close"),
        )
        if t1 < t0 or (strict and t1 == t0):
            raise ValidationError(f"must be after {before}", after)


class ScheduleEventSchema(EditionSchema):
    """Payload of `edition.scheduled`: the whole schedule, with its revision for ordering."""

    revision = fields.Integer(required=True)

    class Meta:
        exclude = ("phase",)
