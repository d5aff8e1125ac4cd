"""The hub's staff forms read into the API's own schemas (one rule, two doors): moments are
typed in the edition's time zone (`<input type="datetime-local">`, no offset) and become
ISO 8601 moments with the offset; what a schema refuses comes back as one helpful message
per field, in the page's language, to show beside that field.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext
from marshmallow import Schema, ValidationError
from werkzeug.datastructures import MultiDict

from shared.schemas.editions import WINDOWS, known_zones

DEFAULT_ZONE = "Europe/Brussels"
WINDOW_LABELS = {
    "nominations_open": lazy_gettext("Nomineren kan vanaf"),
    "nominations_close": lazy_gettext("Nomineren kan tot"),
    "voting_open": lazy_gettext("Stemmen kan vanaf"),
    "voting_close": lazy_gettext("Stemmen kan tot"),
    "jury_close": lazy_gettext("De jury beslist uiterlijk op"),
}
HELP = {
    "slug": lazy_gettext(
        "Kies een korte naam voor in adressen: kleine letters, cijfers en -, zoals rv-2027;"
        " nog niet gebruikt."
    ),
    "title": lazy_gettext("Vul een titel in van hoogstens 200 tekens."),
    "timezone": lazy_gettext("Kies een tijdzone uit de lijst, zoals Europe/Brussels."),
    "finalist_count": lazy_gettext("Kies een aantal finalisten van 1 tot 100."),
    "tie_break": lazy_gettext("Kies hoe een gelijke stand beslist wordt."),
    "moment": lazy_gettext("Vul een datum en uur in, na het moment erboven."),
    "status": lazy_gettext("Kies of je de nominatie aanvaardt of afwijst."),
    "note": lazy_gettext("Hoogstens 2000 tekens."),
    "nomination_ids": lazy_gettext("Kies hoogstens zoveel finalisten als de editie er telt."),
    "awards": lazy_gettext("Kies bij minstens één prijs een winnaar."),
    "publish_at": lazy_gettext("Vul een datum en uur in, of laat leeg om meteen te publiceren."),
}


def local_value(moment: dt.datetime | None, zone: str) -> str:
    """A stored moment as a datetime-local field shows it: the wall clock in `zone`."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def from_local(text: str, zone: str) -> str:
    """What a datetime-local field sent (the wall clock in `zone`, to the minute or the
    second) as an ISO 8601 moment with its offset; ValueError when it is not such a time."""
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is not None or "T" not in text:
        raise ValueError(text)
    return moment.replace(tzinfo=ZoneInfo(zone)).isoformat()


def zone_of(form: MultiDict, fallback: str = DEFAULT_ZONE) -> str:
    """The time zone the form's moments are typed in: its own field when that names one."""
    typed = form.get("timezone", "").strip()
    return typed if typed in known_zones() else fallback


def moments(form: MultiDict, names, zone: str) -> tuple[dict, dict]:
    """The moments typed in the form's fields `names`: (ISO values, errors by field). An
    empty field is left out (the schema says whether it was needed)."""
    values, errors = {}, {}
    for name in names:
        typed = form.get(name, "").strip()
        if not typed:
            continue
        try:
            values[name] = from_local(typed, zone)
        except ValueError:
            errors[name] = HELP["moment"]
    return values, errors


def edition_input(form: MultiDict, zone: str, fields=None) -> tuple[dict, dict]:
    """The edition form as the API's JSON body (the fields present in `fields`, default all),
    and the errors of moments that are no time at all."""
    data, errors = moments(form, WINDOWS, zone)
    texts = {name: form.get(name, "").strip() for name in ("slug", "title", "timezone")}
    data |= {name: value for name, value in texts.items() if value}
    if form.get("finalist_count", "").strip():
        data["finalist_count"] = form["finalist_count"].strip()
    data["public_tally"] = form.get("public_tally") == "yes"
    if form.get("tie_break"):
        data["tie_break"] = form["tie_break"]
    if fields is not None:
        data = {name: value for name, value in data.items() if name in fields}
    return data, errors


def load(schema: Schema, data: dict, errors: dict | None = None) -> tuple[dict | None, dict]:
    """`data` loaded by the API's schema, or None and the errors by field (with `errors`
    found before); messages are the page's help for each field."""
    errors = dict(errors or {})
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        errors |= messages_of(exc)
        loaded = None
    return (None if errors else loaded), errors


def messages_of(exc: ValidationError) -> dict:
    """A schema's or a domain rule's refusal as the page's message for each field named."""
    found = exc.messages if isinstance(exc.messages, dict) else {exc.field_name: exc.messages}
    return {name: HELP.get(name, HELP["moment"]) for name in found}
