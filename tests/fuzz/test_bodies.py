"""Bodies a client should not send: over 64 KiB (413 in JSON on every operation that takes
a body), fields far longer than any real one (422 naming the field), and odd Unicode in
names (stored exactly as typed, or refused with 422; never a 500)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from services.nominations.models import Nomination, Nominator
from shared.config import SERVICES
from tests.fuzz.conftest import Campaign
from tests.services.nominations.conftest import nomination_body

NOMINATE = "/api/v1/editions/fuzz-nominating/nominations"
LONG = "x" * 20_000  # far past every limit, well under the 64 KiB a body may have
# (service, path, a valid body, whether staff send it)
BODIES = {
    "nomination": ("nominations", NOMINATE, nomination_body(3), False),
    "vote": ("voting", "/api/v1/editions/demo/votes", {"email": "lang@telenet.be"}, False),
    "juror": ("jury", "/api/v1/editions/demo/jurors", {"name": "Lang", "email": "l@x.be"}, True),
    "screening note": ("nominations", "/api/v1/nominations/{id}", {"status": "rejected"}, True),
    "edition": ("nominations", "/api/v1/editions/demo", {}, True),
}
LONG_FIELDS = [
    *(("nomination", field) for field in nomination_body() if field != "consent"),
    ("vote", "email"),
    ("juror", "name"),
    ("juror", "email"),
    ("screening note", "note"),
    ("edition", "title"),
]
# Names as people type them: stored exactly as typed, never refused.
TYPED = {
    "accents": "Zo\u00eb \u00c7elik-H\u00e5kansson \u0141\u00f3d\u017a",
    "combining marks": "Zorg\u0301 e\u0308n Zo\u0328",
    "emoji": "Fietsbieb \U0001f6b2\U0001f469\u200d\U0001f467",
}
# Controls and invisible marks a service may refuse (naming the field), else stores as typed.
ODD = {
    "right to left": "\u05e2\u05de\u05d5\u05ea\u05ea \u202eevil\u202c",
    "zero width": "Buurt\u200bwerk\u200d\ufeff",
    "NUL byte": "Energie\x00bib",
    "lone surrogate": "Energie\ud800bib",
}
NAMES = ["nominee_name", "organisation", "nominator_name"]


def send(campaign: Campaign, kind: str, changes: dict):
    """POST (or PATCH, for a path with an id) the body of `kind` with `changes`, encoded as
    JSON allows (a lone surrogate as its \\u escape)."""
    service, path, body, staff = BODIES[kind]
    method = "PATCH" if "{id}" in path or kind == "edition" else "POST"
    path = path.format(id=campaign.value("nominations", "nomination_id"))
    if kind == "vote":
        body = body | {"finalist_id": campaign.finalist_id()}
    client = campaign.apps[service].test_client()
    return client.open(
        path,
        method=method,
        data=json.dumps(body | changes),
        content_type="application/json",
        headers=campaign.staff if staff else {},
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_body_over_64_kib_gets_413_in_json_on_every_operation(campaign, service):
    app = campaign.apps[service]
    spec = app.test_client().get("/openapi.json").get_json()
    answers = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                filled = path.replace("{slug}", "demo").replace("{", "").replace("}", "")
                response = app.test_client().open(
                    filled,
                    method=method,
                    data="[" + "1," * 40_000 + "1]",
                    content_type="application/json",
                    headers=campaign.staff,
                )
                answers[f"{method} {path}"] = (response.status_code, _code(response))
    assert answers and set(answers.values()) == {(413, "request_entity_too_large")}


@pytest.mark.parametrize(
    ("service", "path"), [("nominations", "/nomineren"), ("jury", "/nieuwe-link")]
)
def test_an_upload_over_64_kib_to_a_form_gets_413(campaign, service, path):
    upload = {"plan": (io.BytesIO(b"x" * 70_000), "plan.pdf")}
    response = campaign.apps[service].test_client().post(path, data=upload)
    assert response.status_code == 413


def _code(response) -> str | None:
    body = response.get_json(silent=True) or {}
    return body.get("error", {}).get("code")


@pytest.mark.parametrize(("kind", "field"), LONG_FIELDS)
def test_a_very_long_field_gets_422_naming_it(campaign, kind, field):
    response = send(campaign, kind, {field: LONG})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][field]


@pytest.mark.parametrize("field", NAMES)
@pytest.mark.parametrize("text", TYPED.values(), ids=TYPED.keys())
def test_accents_and_emoji_in_a_name_are_stored_as_typed(campaign, field, text):
    response = send(campaign, "nomination", {field: text})
    assert response.status_code == 202, response.get_json()
    assert kept(campaign, response.get_json()["id"], field) == text


@pytest.mark.parametrize("field", NAMES)
@pytest.mark.parametrize("text", ODD.values(), ids=ODD.keys())
def test_odd_unicode_in_a_name_is_kept_as_typed_or_refused(campaign, field, text):
    response = send(campaign, "nomination", {field: text})
    assert response.status_code in (202, 422)
    if response.status_code == 422:
        assert field in response.get_json()["error"]["fields"]
        return
    assert kept(campaign, response.get_json()["id"], field) == text


def kept(campaign: Campaign, nomination_id: str, field: str) -> str:
    """What the hub's database holds in `field` of a nomination (the nominator's name is
    kept with the nominator)."""
    with campaign.apps["nominations"].extensions["rv"].sessions() as session:
        if field == "nominator_name":
            query = select(Nominator.name).where(Nominator.nomination_id == nomination_id)
        else:
            query = select(getattr(Nomination, field)).where(Nomination.id == nomination_id)
        return session.scalar(query)
