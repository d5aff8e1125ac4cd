"""An edition and its schedule: the windows of the contest, as moments with a time zone."""

import datetime as dt
import functools
from itertools import pairwise
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

WINDOWS = ("nominations_open", "nominations_close", "voting_open", "voting_close", "jury_close")
PHASES = ("upcoming", "nominations", "screening", "voting", "jury", "closed")
TIE_BREAKS = ("other_award", "shared")
SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{1,62}$", error="lower-case letters, digits and -")
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


def in_contest_years(value: dt.datetime) -> None:
    """Refuse moments far off: near year 1 or 9999 they cannot even be converted to UTC."""
    if not EARLIEST <= value < LATEST:
        raise ValidationError("must be in the years 2000 to 2999 (UTC)")


@functools.cache
def known_zones() -> frozenset[str]:
    """The IANA zone names: checked as a set, so no file name is ever made from user input
    (ZoneInfo("a" * 300) raises OSError, not the not-found error)."""
    return frozenset(available_timezones())


def window() -> fields.AwareDateTime:
    """A required moment of the schedule, with its offset."""
    return fields.AwareDateTime(required=True, validate=in_contest_years)


class EditionSchema(Schema):
    """The edition as staff create it, as the API shows it and as it travels as an event."""

    slug = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(load_default="Europe/Brussels", dump_default="Europe/Brussels")
    nominations_open = window()
    nominations_close = window()
    voting_open = window()
    voting_close = window()
    jury_close = window()
    finalist_count = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    public_tally = fields.Boolean(load_default=False)
    tie_break = fields.String(load_default="other_award", validate=validate.OneOf(TIE_BREAKS))
    revision = fields.Integer(dump_only=True)
    phase = fields.String(dump_only=True, validate=validate.OneOf(PHASES))

    @validates("timezone")
    def _known_zone(self, value: str, **_kwargs) -> None:
        if value not in known_zones():
            raise ValidationError("unknown time zone")

    @validates_schema
    def _windows_in_order(self, data: dict, **_kwargs) -> None:
        check_window_order(data)


class EditionPatchSchema(EditionSchema):
    """The fields staff may change after creation: everything but the slug, each optional
    (partial by default, so the OpenAPI document requires none of them either)."""

    class Meta:
        exclude = ("slug",)

    def __init__(self, **kwargs):
        super().__init__(**{"partial": True} | kwargs)


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


class EditionChangeSchema(Schema):
    """One change staff made to an edition, as its audit log keeps it: the field, the value
    it had and the value it got (moments as ISO 8601 text), who and when."""

    id = fields.Integer(required=True)
    field = fields.String(required=True)
    old = fields.Raw(required=True, allow_none=True)
    new = fields.Raw(required=True, allow_none=True)
    staff = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class EditionChangePageSchema(Schema):
    """One page of an edition's audit log, oldest first; `next` is the following page's cursor."""

    items = fields.List(fields.Nested(EditionChangeSchema), required=True)
    next = fields.String(required=True, allow_none=True)
