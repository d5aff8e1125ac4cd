"""deploy/k8s: valid against the Kubernetes schemas (offline, bundled by kubernetes-validate),
and consistent with the code and the Procfile it runs."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess

import pytest
import yaml
from kubernetes_validate.utils import ValidationError, validate

from services.nominations.images import MAX_BYTES
from services.nominations.staff_pictures import FORM_SPARE
from shared import config
from tests.deploy.deploy_files import (
    K8S,
    k8s_objects,
    problems_of_command,
    procfile,
    setting_names,
    yaml_documents,
)

# The oldest Kubernetes release the manifests are meant for.
KUBERNETES = "1.30"
PART_OF = "radicale-vernieuwers"
OBJECTS = k8s_objects()
FINALIST = "0f6c7c3e-0000-4000-8000-000000000000"
PICTURE_PATHS = (
    f"/api/v1/editions/demo/finalists/{FINALIST}/picture",
    f"/staff/editions/demo/finalists/{FINALIST}/foto",
)


def named(kind: str) -> dict[str, dict]:
    """The objects of one kind, by name."""
    return {o["metadata"]["name"]: o for o in OBJECTS if o["kind"] == kind}


def container(workload: dict) -> dict:
    """The one container of a Deployment's or Job's pods."""
    (only,) = workload["spec"]["template"]["spec"]["containers"]
    return only


WEB = {name: d for name, d in named("Deployment").items() if name in config.SERVICES}


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: f"{o['kind']}/{o['metadata']['name']}")
def test_each_object_is_valid_against_the_kubernetes_schema(obj):
    validate(obj, KUBERNETES, strict=True)


def test_the_schema_check_refuses_an_unknown_field():
    deployment = copy.deepcopy(WEB["voting"])
    deployment["spec"]["replica"] = 2
    with pytest.raises(ValidationError):
        validate(deployment, KUBERNETES, strict=True)


def test_the_kustomization_lists_every_manifest_but_the_secret_example():
    (kustomization,) = yaml_documents(K8S / "kustomization.yaml")
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert sorted(kustomization["resources"]) == sorted(files)


def test_kustomize_builds_valid_objects_on_the_configured_image():
    # The manifests use only what Debian's kubectl (kubernetes-client, 1.20) builds too.
    assert shutil.which("kubectl"), "kubectl is needed: `make test` installs kubernetes-client"
    built = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, check=True
    ).stdout
    objects = [o for o in yaml.safe_load_all(built) if o]
    (kustomization,) = yaml_documents(K8S / "kustomization.yaml")
    (image,) = kustomization["images"]
    for obj in objects:
        validate(obj, KUBERNETES, strict=True)
    workloads = [o for o in objects if o["kind"] in ("Deployment", "Job")]
    assert {container(w)["image"] for w in workloads} == {f"{image['newName']}:{image['newTag']}"}


def test_every_object_says_it_is_part_of_the_platform():
    unlabelled = [
        f"{o['kind']}/{o['metadata']['name']}"
        for o in OBJECTS
        if o["metadata"].get("labels", {}).get("app.kubernetes.io/part-of") != PART_OF
    ]
    assert unlabelled == []


def test_a_deployment_per_procfile_process_runs_its_command():
    deployments = {name: container(d)["command"] for name, d in named("Deployment").items()}
    expected = {name.replace("_", "-"): command for name, command in procfile().items()}
    assert deployments == expected


def test_the_migration_job_runs_the_migrate_command():
    job = named("Job")["migrate"]
    assert container(job)["command"][-1] == "migrate"
    assert problems_of_command(container(job)["command"]) == []
    assert job["spec"]["parallelism"] == 1


def test_every_workload_gets_the_shared_config_and_secrets():
    for workload in [*named("Deployment").values(), *named("Job").values()]:
        sources = container(workload)["envFrom"]
        assert {"configMapRef": {"name": "rv-config"}} in sources
        assert {"secretRef": {"name": "rv-secrets"}} in sources


def test_config_and_secret_hold_only_settings_the_code_reads():
    keys = set(named("ConfigMap")["rv-config"]["data"]) | set(
        named("Secret")["rv-secrets"]["stringData"]
    )
    assert keys - setting_names() == set()


def test_containers_set_only_settings_the_code_reads():
    for workload in [*named("Deployment").values(), *named("Job").values()]:
        names = {variable["name"] for variable in container(workload).get("env", [])}
        assert names - setting_names() == set()


def test_web_readiness_asks_healthz():
    for deployment in WEB.values():
        assert container(deployment)["readinessProbe"]["httpGet"]["path"] == "/healthz"


def test_web_liveness_and_start_up_ask_one_path_that_is_not_healthz():
    # /healthz fails while PostgreSQL or Redis is away: as a liveness probe it would restart
    # every pod during a database blip (tests/deploy/test_probes.py checks the path).
    for deployment in WEB.values():
        web = container(deployment)
        paths = {web[p]["httpGet"]["path"] for p in ("livenessProbe", "startupProbe")}
        assert len(paths) == 1
        assert "/healthz" not in paths


def test_probes_and_services_use_the_port_gunicorn_binds():
    for name, deployment in WEB.items():
        (port,) = container(deployment)["ports"]
        assert port["containerPort"] == 8000
        service = named("Service")[name]
        assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
        assert [p["targetPort"] for p in service["spec"]["ports"]] == [port["name"]]


def test_the_three_web_deployments_differ_only_in_their_service():
    # They are written out in full for the reader; this keeps them from drifting apart.
    def generic(name: str) -> str:
        return yaml.safe_dump(WEB[name]).replace(name, "SERVICE")

    assert generic("nominations") == generic("voting") == generic("jury")


def test_each_web_deployment_is_scaled_by_its_autoscaler():
    autoscalers = named("HorizontalPodAutoscaler")
    assert set(autoscalers) == set(WEB)
    for name, hpa in autoscalers.items():
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        assert hpa["spec"]["minReplicas"] >= 2
        # Utilisation is a share of the request: without one the autoscaler cannot work.
        assert container(WEB[name])["resources"]["requests"]["cpu"]
        assert "replicas" not in WEB[name]["spec"]


def test_the_ingress_sends_each_public_host_to_its_service():
    ingress = named("Ingress")["radicale-vernieuwers"]
    routes = {
        rule["host"]: path["backend"]["service"]["name"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    urls = named("ConfigMap")["rv-config"]["data"]
    public = {urls[f"{s.upper()}_PUBLIC_URL"].removeprefix("https://"): s for s in config.SERVICES}
    assert routes == public
    assert set(ingress["spec"]["tls"][0]["hosts"]) == set(routes)


def test_the_ingress_limits_bodies_as_the_services_do():
    ingress = named("Ingress")["radicale-vernieuwers"]
    size = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert int(size.removesuffix("k")) * 1024 == config.Settings.max_content_length


def test_only_the_picture_uploads_may_send_5_mb_through_the_ingress():
    ingress = named("Ingress")["radicale-vernieuwers-pictures"]
    size = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert MAX_BYTES + FORM_SPARE <= int(size.removesuffix("m")) * 1024 * 1024 < 2 * MAX_BYTES
    ((rule,),) = [r["http"]["paths"] for r in ingress["spec"]["rules"]]
    assert rule["backend"]["service"]["name"] == "nominations"
    for path in PICTURE_PATHS:
        assert re.fullmatch(rule["path"].removesuffix("$"), path)
        assert not re.fullmatch(rule["path"].removesuffix("$"), path + "/x")
