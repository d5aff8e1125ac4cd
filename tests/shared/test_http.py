"""The HTTP contract every service keeps: JSON errors of one shape and never a 500 for bad
input, security headers, /healthz, /openapi.json, /metrics, cookies and staff tokens."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from prometheus_client.parser import text_string_to_metric_families

from services import registry
from shared.auth import revoke_tokens
from shared.config import SERVICES
from shared.redis_server import free_port
from shared.schemas.editions import EditionSchema
from shared.security import origin
from tests.factories import edition_body, issue_token
from tests.scrape import value

LIMIT = 64 * 1024
# Every documented endpoint that reads a JSON body (test_body_endpoints_are_all_listed keeps
# this list complete); {slug} is filled with an edition that exists.
BODY_ENDPOINTS = [
    ("nominations", "POST", "/api/v1/editions"),
    ("nominations", "PATCH", "/api/v1/editions/{slug}"),
    ("nominations", "POST", "/api/v1/editions/{slug}/nominations"),
    ("nominations", "PATCH", "/api/v1/nominations/{nomination_id}"),
    ("nominations", "PUT", "/api/v1/editions/{slug}/finalists"),
    ("nominations", "POST", "/api/v1/editions/{slug}/winners"),
    ("nominations", "POST", "/api/v1/privacy/requests"),
    ("nominations", "PATCH", "/api/v1/editions/{slug}/finalists/{finalist_id}/picture"),
    ("voting", "POST", "/api/v1/editions/{slug}/votes"),
    ("voting", "PATCH", "/api/v1/votes/{vote_id}"),
    ("voting", "POST", "/api/v1/editions/{slug}/votes/decisions"),
    ("jury", "PUT", "/api/v1/editions/{slug}/criteria"),
    ("jury", "POST", "/api/v1/editions/{slug}/jurors"),
    ("jury", "POST", "/api/v1/editions/{slug}/jurors/{juror_id}/reopen"),
    ("jury", "PATCH", "/api/v1/editions/{slug}/jury-settings"),
    ("jury", "POST", "/api/v1/editions/{slug}/reminders"),
]
# The one body that is not JSON: a picture (tests/services/nominations/test_pictures.py).
PICTURE_UPLOAD = ("nominations", "PUT", "/api/v1/editions/{slug}/finalists/{finalist_id}/picture")
# Path parameters other than the edition's slug: ids that exist nowhere (bad input must
# still answer 4xx, never 500).
UNKNOWN_IDS = {
    "nomination_id": "0f6c7c3e-0000-4000-8000-000000000000",
    "finalist_id": "0f6c7c3e-0000-4000-8000-000000000001",
    "vote_id": "nope",
    "juror_id": "999999",
}
# Staff calls: (service, method, path, scope it needs, body ("new": a fresh edition),
# status with that scope)
STAFF_CALLS = [
    *[(s, "GET", "/api/v1/events/failed", "events", None, 200) for s in SERVICES],
    *[(s, "GET", "/api/v1/events/outbox", "events", None, 200) for s in SERVICES],
    ("nominations", "POST", "/api/v1/editions", "editions", "new", 201),
    ("nominations", "PATCH", "/api/v1/editions/{slug}", "editions", {"title": "Nieuw"}, 200),
]
DOCUMENTED = {
    "nominations": [
        ("/api/v1/editions", "post"),
        ("/api/v1/editions/{slug}", "get"),
        ("/api/v1/editions/{slug}", "patch"),
        ("/api/v1/events/failed", "get"),
    ],
    "voting": [("/api/v1/editions/{slug}", "get"), ("/api/v1/events/failed", "get")],
    "jury": [("/api/v1/editions/{slug}", "get"), ("/api/v1/events/failed", "get")],
}
BAD_BODIES = {
    "malformed": b'{"slug": ',
    "array": b"[]",
    "null": b"null",
    "empty": b"",
    "not-utf8": b'{"title": "\xff\xfe"}',
    "control-char": b'{"slug": "a\x00b"}',
    "deep-nesting": b"[" * 50_000,
}
# A body refused as it is read (not JSON, a raw control character in a string, too large,
# another type, not an object) never reaches a database: the PostgreSQL pass leaves these to
# the SQLite pass (tests/passes.py). A NUL that is valid JSON ("\u0000") does reach it, and
# fuzz/test_bodies.py sends it on both engines.
refused_unread = pytest.mark.engine_free
each_service = pytest.mark.parametrize("service", SERVICES)
each_body_endpoint = pytest.mark.parametrize(
    ("service", "method", "path"), BODY_ENDPOINTS, ids=[f"{m} {p}" for _, m, p in BODY_ENDPOINTS]
)
each_staff_call = pytest.mark.parametrize(
    ("service", "method", "path", "scope", "body", "ok"),
    STAFF_CALLS,
    ids=[f"{s} {m} {p}" for s, m, p, *_ in STAFF_CALLS],
)


@pytest.fixture
def slug(app, staff):
    """An edition that exists in the hub."""
    body = edition_body()
    assert app.test_client().post("/api/v1/editions", json=body, headers=staff).status_code == 201
    return body["slug"]


@pytest.fixture
def call(apps, slug):
    """Make a request to one service: call(service, method, path, body=..., **options)."""

    def send(service, method, path, body=None, **options):
        if body == "new":
            body = edition_body()
        client = apps[service].test_client()
        url = path.format(slug=slug, **UNKNOWN_IDS)
        return client.open(url, method=method, json=body, **options)

    return send


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error_shape(response, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["message"]


def openapi(app) -> dict:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def routes(app, only=lambda view: True) -> set[tuple[str, str]]:
    """The (OpenAPI-style path, method) pairs the app serves, of the views `only` accepts."""
    return {
        (re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if only(app.view_functions[rule.endpoint])
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


@each_service
def test_unknown_route_is_404_json(apps, service):
    assert_error_shape(apps[service].test_client().get("/bestaat/niet"), 404)


@each_service
def test_wrong_method_is_405_json_with_allow(apps, service):
    response = apps[service].test_client().delete("/api/v1/events/failed")
    assert_error_shape(response, 405)
    assert "GET" in response.headers["Allow"]


@refused_unread
@each_body_endpoint
def test_malformed_json_is_400(call, staff, service, method, path):
    response = call(
        service, method, path, data=b'{"slug": ', content_type="application/json", headers=staff
    )
    assert_error_shape(response, 400)


@refused_unread
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
@each_body_endpoint
def test_another_content_type_is_415(call, staff, service, method, path, content_type):
    response = call(service, method, path, data=b"slug=x", content_type=content_type, headers=staff)
    assert_error_shape(response, 415)


@refused_unread
@each_body_endpoint
def test_a_body_over_the_limit_is_413(call, staff, service, method, path):
    body = b'{"title": "' + b"x" * LIMIT + b'"}'
    response = call(
        service, method, path, data=body, content_type="application/json", headers=staff
    )
    assert_error_shape(response, 413)


@refused_unread
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
@each_body_endpoint
def test_bad_bodies_are_a_4xx_never_a_500(call, staff, service, method, path, body):
    response = call(
        service, method, path, data=body, content_type="application/json", headers=staff
    )
    assert 400 <= response.status_code < 500
    assert_error_shape(response, response.status_code)


def test_the_body_limit_is_64_kib(apps):
    assert {app.config["MAX_CONTENT_LENGTH"] for app in apps.values()} == {LIMIT}


@each_service
def test_security_headers_on_json_responses(apps, service):
    headers = apps[service].test_client().get("/healthz").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def image_sources(app) -> list[str]:
    """The sources the app's Content-Security-Policy allows pictures from."""
    policy = app.test_client().get("/healthz").headers["Content-Security-Policy"]
    (images,) = [d.split()[1:] for d in policy.split("; ") if d.startswith("img-src ")]
    return images


def test_voting_shows_pictures_from_exactly_the_hubs_origin(apps):
    hub = apps["nominations"].extensions["rv"].settings.public_url("nominations")
    assert image_sources(apps["voting"]) == ["'self'", "data:", hub]
    assert image_sources(apps["nominations"]) == ["'self'", "data:"]
    assert image_sources(apps["jury"]) == ["'self'", "data:"]


def test_a_csp_source_is_an_origin_without_path():
    assert (
        origin("https://radicalevernieuwers.example/hub/") == "https://radicalevernieuwers.example"
    )


@each_service
def test_security_headers_on_error_responses(apps, service):
    headers = apps[service].test_client().get("/bestaat/niet").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    assert headers["Cache-Control"] == "no-store"


@each_service
def test_session_cookie_is_secure_httponly_and_lax(apps, service):
    config = apps[service].config
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


@each_service
def test_healthz_is_ok(apps, service):
    response = apps[service].test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def closed_redis(tmp_path) -> dict:
    return {"redis_url": f"redis://127.0.0.1:{free_port()}/0"}


def unopenable_database(tmp_path) -> dict:
    (tmp_path / "a-file").write_text("not a folder")
    return {"database_url": f"sqlite:///{tmp_path / 'a-file' / 'x.db'}"}


@each_service
@pytest.mark.parametrize(
    ("broken", "down"), [(closed_redis, "redis"), (unopenable_database, "database")]
)
def test_healthz_is_503_naming_what_is_down(settings_for, service, tmp_path, broken, down):
    app = registry.create_app(service, settings_for(service, **broken(tmp_path)))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["down"] == [down]


def test_a_staff_call_needing_redis_answers_503_while_it_is_away(make_app):
    app = make_app("voting", redis_url=f"redis://127.0.0.1:{free_port()}/0")
    headers = {"Authorization": f"Bearer {issue_token({'voting': app}, 'events')}"}
    response = app.test_client().get("/api/v1/events/failed", headers=headers)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "service_unavailable"


@each_service
def test_openapi_is_an_openapi_3_document(apps, service):
    document = openapi(apps[service])
    assert document["openapi"].startswith("3.")
    assert service in document["info"]["title"]


@each_service
def test_openapi_lists_the_service_api(apps, service):
    documented = {(path, method) for path, method, _ in operations(openapi(apps[service]))}
    assert set(DOCUMENTED[service]) <= documented


def test_openapi_documents_editions_with_the_validating_schema(app):
    document = openapi(app)
    body = document["paths"]["/api/v1/editions"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Edition"}
    schema, fields = document["components"]["schemas"]["Edition"], EditionSchema().fields
    assert set(schema["properties"]) == set(fields)
    assert set(schema["required"]) == {name for name, field in fields.items() if field.required}


@each_service
def test_every_documented_operation_exists(apps, service):
    documented = {(path, method) for path, method, _ in operations(openapi(apps[service]))}
    assert documented <= routes(apps[service])


@each_service
def test_staff_operations_are_documented_with_the_bearer_scheme(apps, service):
    secured = {
        (path, method)
        for path, method, operation in operations(openapi(apps[service]))
        if operation.get("security") == [{"staffToken": []}]
    }
    assert secured == routes(apps[service], only=lambda view: hasattr(view, "staff_scope"))


@each_service
def test_every_staff_operation_documents_401_and_403(apps, service):
    for path, method, operation in operations(openapi(apps[service])):
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"]), (path, method)


@each_service
def test_every_operation_with_a_body_documents_422_and_415(apps, service):
    for path, method, operation in operations(openapi(apps[service])):
        if "requestBody" in operation:
            assert {"400", "415", "422"} <= set(operation["responses"]), (path, method)


def test_body_endpoints_are_all_listed(apps):
    documented = {
        (name, m.upper(), p)
        for name in SERVICES
        for p, m, operation in operations(openapi(apps[name]))
        if "requestBody" in operation
    }
    assert documented == {*BODY_ENDPOINTS, PICTURE_UPLOAD}


@each_service
def test_metrics_count_requests_in_prometheus_text(apps, service):
    # The counters are the process's (earlier tests raised them): count the difference.
    app = apps[service]
    labels = {"service": service, "endpoint": "/healthz", "method": "GET", "status": "200"}
    before = value(app, "rv_http_requests_total", **labels) or 0
    assert app.test_client().get("/healthz").status_code == 200
    response = app.test_client().get("/metrics")
    assert response.mimetype == "text/plain"
    families = {f.name: f for f in text_string_to_metric_families(response.get_data(as_text=True))}
    (counted,) = [
        s.value
        for s in families["rv_http_requests"].samples
        if s.name == "rv_http_requests_total" and labels.items() <= s.labels.items()
    ]
    assert counted - before == 1


@each_service
def test_metrics_show_the_outbox(apps, service):
    text = apps[service].test_client().get("/metrics").get_data(as_text=True)
    assert "rv_outbox_events" in {f.name for f in text_string_to_metric_families(text)}


def test_metrics_count_pending_outbox_events(app, slug):
    text = app.test_client().get("/metrics").get_data(as_text=True)
    (outbox,) = [f for f in text_string_to_metric_families(text) if f.name == "rv_outbox_events"]
    counts = {s.labels["state"]: s.value for s in outbox.samples}
    assert counts == {"pending": 2, "sent": 0, "acked": 0, "failed": 0}


@each_staff_call
def test_staff_call_without_token_is_401(call, service, method, path, scope, body, ok):
    assert_error_shape(call(service, method, path, body), 401)


@each_staff_call
def test_staff_call_with_a_wrong_token_is_401(call, service, method, path, scope, body, ok):
    headers = bearer("rvs_" + "x" * 43)
    assert_error_shape(call(service, method, path, body, headers=headers), 401)


@each_staff_call
def test_staff_call_with_another_scheme_is_401(call, service, method, path, scope, body, ok):
    headers = {"Authorization": "Basic dGVzdGVyOmdlaGVpbQ=="}
    assert_error_shape(call(service, method, path, body, headers=headers), 401)


@each_staff_call
def test_staff_call_with_a_revoked_token_is_401(
    apps, call, token_for, service, method, path, scope, body, ok
):
    token = token_for(scope, name="vertrokken")
    with apps[service].extensions["rv"].sessions.begin() as session:
        assert revoke_tokens(session, "vertrokken") == 1
    assert_error_shape(call(service, method, path, body, headers=bearer(token)), 401)


@each_staff_call
def test_staff_call_without_the_scope_is_403(
    call, token_for, service, method, path, scope, body, ok
):
    response = call(service, method, path, body, headers=bearer(token_for("votes")))
    assert_error_shape(response, 403)


@pytest.mark.parametrize("granted", ["needed", "admin"])
@each_staff_call
def test_staff_call_with_the_scope_succeeds(
    call, token_for, service, method, path, scope, body, ok, granted
):
    token = token_for(scope if granted == "needed" else "admin")
    assert call(service, method, path, body, headers=bearer(token)).status_code == ok


def test_outbox_listing_refuses_an_unknown_state(client, staff):
    response = client.get("/api/v1/events/outbox?state=lost", headers=staff)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_outbox_listing_pages_with_a_cursor(client, staff):
    for _ in range(3):
        client.post("/api/v1/editions", json=edition_body(), headers=staff)
    first = client.get("/api/v1/events/outbox?state=pending&limit=4", headers=staff).get_json()
    rest = client.get(
        f"/api/v1/events/outbox?state=pending&limit=4&cursor={first['next']}", headers=staff
    ).get_json()
    assert len(first["items"]) == 4
    assert len(rest["items"]) == 2
    assert rest["next"] is None


@each_service
def test_openapi_document_is_valid_openapi_3(apps, service):
    validate(openapi(apps[service]))
