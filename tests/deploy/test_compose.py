"""deploy/compose.yaml: valid against the compose-spec schema (bundled by check-jsonschema,
offline), and consistent with the Procfile, the code's settings and its own env.example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from shared import config
from tests.deploy.deploy_files import DEPLOY, compose, problems_of_command, procfile, setting_names

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
INTERPOLATED = re.compile(r"\$\{(\w+)")
SERVICES = compose()["services"]
APP = {name: s for name, s in SERVICES.items() if s.get("image", "").startswith("radicale")}


def schema_check(path: Path) -> subprocess.CompletedProcess:
    """check-jsonschema's verdict on a compose file, against the compose-spec schema."""
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
    )


def test_the_compose_file_is_valid_against_the_compose_spec():
    result = schema_check(DEPLOY / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_refuses_an_unknown_key(tmp_path):
    broken = tmp_path / "compose.yaml"
    text = (DEPLOY / "compose.yaml").read_text()
    broken.write_text(text.replace('restart: "no"', 'restart_policy: "no"'))
    assert schema_check(broken).returncode == 1


def test_a_service_per_procfile_process_runs_its_command():
    processes = procfile()
    assert {name: APP[name]["command"] for name in processes} == processes
    assert set(APP) == set(processes) | {"migrate"}


def test_migrate_runs_first_and_once():
    assert problems_of_command(APP["migrate"]["command"]) == []
    assert APP["migrate"]["restart"] == "no"
    for name in set(APP) - {"migrate"}:
        assert APP[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_processes_without_a_port_switch_the_image_health_check_off():
    for name, service in APP.items():
        web = service["command"][0] == "gunicorn"
        assert service.get("healthcheck", {}).get("disable", False) is not web, name


def test_the_app_environment_holds_only_settings_the_code_reads():
    for service in APP.values():
        assert set(service["environment"]) - setting_names() == set()


def test_the_web_processes_add_up_their_workers_metrics():
    for name, service in APP.items():
        web = service["command"][0] == "gunicorn"
        assert ("PROMETHEUS_MULTIPROC_DIR" in service["environment"]) is web, name


def test_the_services_trust_exactly_the_one_proxy():
    assert {s["environment"]["TRUSTED_PROXIES"] for s in APP.values()} == {"1"}


def test_each_service_has_its_own_database_made_by_the_init_script():
    env = APP["nominations"]["environment"]
    databases = {s: env[f"{s.upper()}_DATABASE_URL"].rpartition("/")[2] for s in config.SERVICES}
    assert databases == {s: s for s in config.SERVICES}
    script = (DEPLOY / "postgres" / "init-databases.sql").read_text()
    assert set(re.findall(r"CREATE DATABASE (\w+);", script)) == set(config.SERVICES)


def test_redis_keeps_an_append_only_file_on_a_volume():
    redis = SERVICES["redis"]
    assert redis["command"][redis["command"].index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


@pytest.mark.parametrize(
    "mount", ["./nginx/templates", "./nginx/service.conf", "./nginx/errors.conf"]
)
def test_the_proxy_mounts_files_that_exist(mount):
    volumes = SERVICES["proxy"]["volumes"]
    assert any(v.startswith(f"{mount}:") for v in volumes)
    assert (DEPLOY / mount).exists()


def test_env_example_names_only_settings_and_compose_variables():
    text = (DEPLOY / "env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    variables = set(INTERPOLATED.findall((DEPLOY / "compose.yaml").read_text()))
    assert named - setting_names() - variables == set()


def test_env_example_sets_every_variable_compose_requires():
    text = (DEPLOY / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = (DEPLOY / "env.example").read_text()
    assert {n for n in required if not re.search(rf"^{n}=", example, re.MULTILINE)} == set()
