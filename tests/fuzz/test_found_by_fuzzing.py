"""What the fuzzing found, each kept fixed: page sizes and cursors no database can take,
an unknown report format, NUL characters, and document entries that did not describe what
the service answers."""

from __future__ import annotations

import pytest

LIST = "/api/v1/editions/demo/nominations"


@pytest.mark.parametrize(
    "query", ["limit=%C2%B2", "limit=0", "limit=-1", "cursor=99999999999999999999999", "q=a%00b"]
)
def test_a_page_size_or_cursor_no_database_takes_is_a_400(campaign, query):
    client = campaign.apps["nominations"].test_client()
    response = client.get(f"{LIST}?{query}", headers=campaign.staff)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_large_page_size_asks_for_the_largest_page(campaign):
    client = campaign.apps["nominations"].test_client()
    assert client.get(f"{LIST}?limit=1000", headers=campaign.staff).status_code == 200


def test_an_unknown_integrity_report_format_is_a_400(campaign):
    client = campaign.apps["voting"].test_client()
    path = "/api/v1/editions/fuzz-closed/integrity?format=xml"
    assert client.get(path, headers=campaign.staff).status_code == 400


def test_a_nul_character_in_a_path_names_nothing(campaign):
    response = campaign.apps["nominations"].test_client().get("/api/v1/editions/demo%00")
    assert response.status_code == 404


def test_a_nul_character_in_a_form_is_a_400(campaign):
    client = campaign.apps["jury"].test_client()
    response = client.post("/nieuwe-link", data={"email": "a\x00@telenet.be"})
    assert response.status_code == 400


def _operation(campaign, service: str, method: str, path: str) -> dict:
    spec = campaign.apps[service].test_client().get("/openapi.json").get_json()
    return spec["paths"][path][method]


@pytest.mark.parametrize("service", ["nominations", "voting", "jury"])
def test_every_list_with_a_query_documents_its_400(campaign, service):
    assert "400" in _operation(campaign, service, "get", "/api/v1/events/failed")["responses"]


def test_a_schedule_change_requires_no_field_in_the_document(campaign):
    spec = campaign.apps["nominations"].test_client().get("/openapi.json").get_json()
    assert "required" not in spec["components"]["schemas"]["EditionPatch"]
