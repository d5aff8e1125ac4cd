"""/metrics and the details of /healthz are for the monitoring inside, which asks each
service directly: a request that came through the public proxy (nginx or the Kubernetes
Ingress add X-Forwarded-For) gets a 404 from /metrics and only ok or not from /healthz,
unless it holds a staff token. Every OpenAPI document names the proxy's 413/414/431."""

from __future__ import annotations

import pytest

from shared.config import SERVICES
from shared.redis_server import free_port
from tests.factories import issue_token

PROXIED = {"X-Forwarded-For": "192.0.2.7"}
each_service = pytest.mark.parametrize("service", SERVICES)


@each_service
def test_metrics_answer_the_monitoring_inside(apps, service):
    assert apps[service].test_client().get("/metrics").status_code == 200


@each_service
def test_metrics_are_not_served_through_the_proxy(apps, service):
    response = apps[service].test_client().get("/metrics", headers=PROXIED)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


@pytest.fixture
def redis_away(make_app):
    return make_app("voting", redis_url=f"redis://127.0.0.1:{free_port()}/0")


def test_health_inside_names_what_is_down(redis_away):
    response = redis_away.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["down"] == ["redis"]


def test_health_through_the_proxy_says_only_that_it_is_down(redis_away):
    response = redis_away.test_client().get("/healthz", headers=PROXIED)
    assert (response.status_code, response.get_json()) == (503, {"status": "unavailable"})


def test_health_through_the_proxy_gives_staff_the_details(redis_away):
    token = issue_token({"voting": redis_away}, "events")
    headers = PROXIED | {"Authorization": f"Bearer {token}"}
    response = redis_away.test_client().get("/healthz", headers=headers)
    assert response.get_json()["down"] == ["redis"]


@each_service
def test_every_operation_names_the_proxys_answers_to_a_request_too_long(apps, service):
    document = apps[service].test_client().get("/openapi.json").get_json()
    assert {"413", "414", "431"} <= set(document["components"]["responses"])
    for operations in document["paths"].values():
        for operation in operations.values():
            assert {"414", "431"} <= set(operation["responses"])
