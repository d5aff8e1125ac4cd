"""Staff calls of every service, taken from each OpenAPI document: a juror's session cookie
is no staff authority, and a revoked staff token stops working in all three services."""

from __future__ import annotations

import re

import pytest

from shared.auth import revoke_tokens
from shared.config import SERVICES
from tests.factories import issue_token
from tests.fuzz.conftest import Campaign, staff_operations


def refused(campaign: Campaign, service: str, client, headers: dict) -> dict[str, int]:
    """Every staff operation of `service` called by `client` with `headers` (real path
    values, an edition whose tally is not public, an empty JSON body): those that did not
    answer 401, with their status."""
    answers = {}
    for method, template in staff_operations(campaign.apps[service]):
        path = re.sub(r"{(\w+)}", lambda m: campaign.value(service, m.group(1)), template)
        path = path.replace("/editions/demo", "/editions/fuzz-closed")
        response = client.open(path, method=method, json={}, headers=headers)
        if response.status_code != 401 or "error" not in response.get_json():
            answers[f"{method} {template}"] = response.status_code
    return answers


@pytest.mark.parametrize("service", SERVICES)
def test_a_jurors_session_is_no_staff_authority(campaign, service):
    jury_cookie = campaign.apps["jury"].config["SESSION_COOKIE_NAME"]
    juror = campaign.juror().get_cookie(jury_cookie).value  # the signed session of a juror
    app = campaign.apps[service]
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], juror)  # replayed to each service
    assert refused(campaign, service, client, {}) == {}


@pytest.mark.parametrize("service", SERVICES)
def test_a_revoked_staff_token_is_refused_by_every_staff_call(campaign, service):
    token = issue_token(campaign.apps, "admin", name="vertrokken")
    for app in campaign.apps.values():
        with app.extensions["rv"].sessions.begin() as session:
            revoke_tokens(session, "vertrokken")
    client = campaign.apps[service].test_client()
    assert refused(campaign, service, client, {"Authorization": f"Bearer {token}"}) == {}
