"""The jury's staff API: criteria, jurors, its settings per edition, progress, reminders and
ranking."""

from enum import StrEnum

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.schemas.fields import Email

NORMALISATIONS = ("none", "zscore")
SCALE = (1, 10)
LANGUAGES = ("nl", "en")


class CriterionSchema(Schema):
    """A weighted criterion; its key names it in scores and exports, its label in the form."""

    key = fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,39}$", error="a-z, 0-9, _ and -"),
    )
    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    weight = fields.Float(
        required=True, validate=validate.Range(min=0, max=100, min_inclusive=False)
    )


class CriteriaSchema(Schema):
    """The whole set of an edition's criteria (PUT replaces it): 1 to 20, keys unique."""

    criteria = fields.List(
        fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1, max=20)
    )

    @validates_schema
    def _unique(self, data: dict, **_kwargs) -> None:
        for name in ("key", "label"):
            values = [c[name].strip().lower() for c in data["criteria"]]
            if len(set(values)) != len(values):
                raise ValidationError(f"each criterion needs its own {name}", "criteria")


class JurorSchema(Schema):
    """A juror as staff invite them (a login link goes to `email`) and see them."""

    id = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = Email(required=True, validate=validate.Length(max=320))
    lang = fields.String(load_default="nl", validate=validate.OneOf(LANGUAGES))
    organisation = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "where the juror works, for conflict-of-interest hints"},
    )


class JurySettingsSchema(Schema):
    """The jury's choices for an edition: `zscore` compares each juror's scores with their
    own mean and spread, so a strict and a lenient juror weigh the same."""

    normalisation = fields.String(required=True, validate=validate.OneOf(NORMALISATIONS))


class ReopenSchema(Schema):
    """Which submitted scorecards of a juror to unlock: one finalist's, or all of them."""

    finalist_id = fields.String(load_default=None)


class Reason(StrEnum):
    """Why a juror may know a finalist: the same organisation (folded: case, accents, legal
    form), the finalist's website at the juror's mail domain, or the nominee's mail at it."""

    ORGANISATION = "same_organisation"
    WEBSITE = "website_domain"
    NOMINEE_DOMAIN = "nominee_domain"


class HintSchema(Schema):
    """A conflict-of-interest hint: a finalist the juror may know, and why."""

    finalist_id = fields.String(required=True)
    reasons = fields.List(fields.String(validate=validate.OneOf(list(Reason))), required=True)


class ReminderSchema(Schema):
    """A reminder mailed to a juror: by the schedule (`hours_before` jury_close) or by staff
    (`sent_by`, `hours_before` null), with how many finalists they had left."""

    juror_id = fields.String(required=True)
    name = fields.String(required=True, attribute="juror.name")
    hours_before = fields.Integer(allow_none=True, required=True)
    sent_by = fields.String(required=True)
    open_finalists = fields.Integer(required=True)
    sent_at = fields.AwareDateTime(required=True, attribute="created_at")


class ReminderListSchema(Schema):
    items = fields.List(fields.Nested(ReminderSchema))
    next = fields.String(allow_none=True)


class SendRemindersSchema(Schema):
    """Which jurors to remind now (default: every juror with finalists left to submit)."""

    juror_ids = fields.List(fields.String(), load_default=None)


class ProgressSchema(Schema):
    """A juror's progress: finalists submitted with scores, drafts, recusals, of `total`;
    their conflict-of-interest hints, their last action (a login or a save) and the
    reminders they were sent."""

    juror_id = fields.String(required=True)
    name = fields.String(required=True)
    scored = fields.Integer(required=True)
    drafts = fields.Integer(required=True)
    recused = fields.Integer(required=True)
    total = fields.Integer(required=True)
    hints = fields.List(fields.Nested(HintSchema), required=True)
    last_activity = fields.AwareDateTime(allow_none=True, required=True)
    reminders = fields.List(fields.Nested(ReminderSchema), required=True)


class CriteriaChangeSchema(Schema):
    """One replacement of an edition's criteria, as their audit log keeps it."""

    id = fields.Integer(required=True)
    old = fields.List(fields.Nested(CriterionSchema), required=True)
    new = fields.List(fields.Nested(CriterionSchema), required=True)
    staff = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


class CriteriaChangePageSchema(Schema):
    """One page of the criteria's audit log, oldest first; `next` is the following cursor."""

    items = fields.List(fields.Nested(CriteriaChangeSchema), required=True)
    next = fields.String(required=True, allow_none=True)
