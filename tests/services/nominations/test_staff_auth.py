"""Every staff call of the hub: 401 without a valid token, 403 with a token that lacks the
call's right (screening and editions are separate rights)."""

from __future__ import annotations

import re

from tests.factories import issue_token

NOMINATION = "00000000-0000-4000-8000-000000000000"
# (method, path, the right it needs)
STAFF_CALLS = [
    ("POST", "/api/v1/editions", "editions"),
    ("PATCH", "/api/v1/editions/{slug}", "editions"),
    ("GET", "/api/v1/editions/{slug}/changes", "editions"),
    ("GET", "/api/v1/editions/{slug}/results", "editions"),
    ("POST", "/api/v1/editions/{slug}/winners", "editions"),
    ("GET", "/api/v1/editions/{slug}/nominations", "screening"),
    ("GET", "/api/v1/editions/{slug}/nominations.csv", "screening"),
    ("GET", "/api/v1/nominations/{nomination_id}", "screening"),
    ("PATCH", "/api/v1/nominations/{nomination_id}", "screening"),
    ("POST", "/api/v1/nominations/{nomination_id}/nominee-verified", "screening"),
    ("PUT", "/api/v1/editions/{slug}/finalists", "screening"),
    ("PUT", "/api/v1/editions/{slug}/finalists/{finalist_id}/picture", "screening"),
    ("PATCH", "/api/v1/editions/{slug}/finalists/{finalist_id}/picture", "screening"),
    ("DELETE", "/api/v1/editions/{slug}/finalists/{finalist_id}/picture", "screening"),
    ("POST", "/api/v1/privacy/requests", "privacy"),
    ("GET", "/api/v1/privacy/requests/{request_id}", "privacy"),
]
OTHER = {"editions": "screening", "screening": "editions", "privacy": "editions"}
NAMES = [f"{method} {path}" for method, path, _ in STAFF_CALLS]


def statuses(hub, token_for_call) -> dict[str, int]:
    """The status of each staff call sent with the token `token_for_call(scope)` gives."""
    answers = {}
    for method, path, scope in STAFF_CALLS:
        token = token_for_call(scope)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        ids = dict.fromkeys(("nomination_id", "finalist_id", "request_id"), NOMINATION)
        url = path.format(slug=hub.slug, **ids)
        answers[f"{method} {path}"] = hub.client.open(
            url, method=method, json={}, headers=headers
        ).status_code
    return answers


def token(hub, scope: str) -> str:
    return issue_token({"nominations": hub.app}, scope)


def test_every_staff_call_is_401_without_a_token(hub):
    assert statuses(hub, lambda scope: None) == dict.fromkeys(NAMES, 401)


def test_every_staff_call_is_401_with_an_unknown_token(hub):
    assert statuses(hub, lambda scope: "rvs_" + "x" * 43) == dict.fromkeys(NAMES, 401)


def test_every_staff_call_is_403_with_a_token_of_another_service(hub):
    votes = token(hub, "votes")
    assert statuses(hub, lambda scope: votes) == dict.fromkeys(NAMES, 403)


def test_every_staff_call_is_403_with_the_hubs_other_right(hub):
    tokens = {scope: token(hub, other) for scope, other in OTHER.items()}
    assert statuses(hub, tokens.get) == dict.fromkeys(NAMES, 403)


def test_every_staff_call_gets_past_the_door_with_its_right(hub):
    tokens = {scope: token(hub, scope) for scope in OTHER}
    refused = {k: v for k, v in statuses(hub, tokens.get).items() if v in (401, 403)}
    assert refused == {}


def test_every_staff_call_of_the_hub_is_listed(hub):
    served = {
        (method, re.sub(r"<([^<>]+)>", r"{\1}", rule.rule))
        for rule in hub.app.url_map.iter_rules()
        if hasattr(hub.app.view_functions[rule.endpoint], "staff_scope")
        and rule.rule.startswith(("/api/v1/editions", "/api/v1/nominations", "/api/v1/privacy"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == {(m, p) for m, p, _ in STAFF_CALLS}
