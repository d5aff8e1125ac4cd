"""The probes of deploy/k8s/web.yaml against a real app whose database and Redis are away:
readiness must fail (no traffic to it), liveness must not (no restart for a blip)."""

from __future__ import annotations

import pytest

from services import registry
from shared import config
from tests.deploy.deploy_files import k8s_objects

AWAY = {
    "database_url": "postgresql://rv@127.0.0.1:1/away",
    "redis_url": "redis://127.0.0.1:1/0",
    "ratelimit_storage_url": "redis://127.0.0.1:1/0",
}


def probe_path(service: str, probe: str) -> str:
    """The path a web Deployment's probe asks."""
    (deployment,) = (
        o for o in k8s_objects() if o["kind"] == "Deployment" and o["metadata"]["name"] == service
    )
    (web,) = deployment["spec"]["template"]["spec"]["containers"]
    return web[probe]["httpGet"]["path"]


@pytest.fixture
def cut_off(settings_for):
    """A test client of `service` whose database and Redis do not answer."""
    return lambda service: registry.create_app(service, settings_for(service, **AWAY)).test_client()


@pytest.mark.parametrize("service", config.SERVICES)
def test_readiness_fails_while_database_and_redis_are_away(cut_off, service):
    assert cut_off(service).get(probe_path(service, "readinessProbe")).status_code == 503


@pytest.mark.parametrize("service", config.SERVICES)
def test_liveness_holds_while_database_and_redis_are_away(cut_off, service):
    assert cut_off(service).get(probe_path(service, "livenessProbe")).status_code == 200
