"""What the deployment tests read: the files under deploy/, the processes of the Procfile, the
environment variables the code reads, and whether a command names something that exists."""

from __future__ import annotations

import ast
import functools
import re
import shlex
import sys
from dataclasses import fields
from pathlib import Path

import dockerfile
import yaml

from services import registry
from services.cli import cli
from shared import config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
CODE = (ROOT / "shared", ROOT / "services", DEPLOY)
# env.get("NAME"), env["NAME"], os.environ.get(f"{service.upper()}_PORT") ...
ENV_READ = re.compile(r"(?:environ|env)(?:\.get\(|\[)\s*f?\"([A-Za-z0-9_{}.()]+)\"")
PER_SERVICE = "{service.upper()}"


def yaml_documents(path: Path) -> list[dict]:
    """The documents of a YAML file, empty ones left out."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s_objects() -> list[dict]:
    """Every Kubernetes object under deploy/k8s (the kustomization itself left out)."""
    return [
        doc
        for path in sorted(K8S.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in yaml_documents(path)
    ]


def compose() -> dict:
    """deploy/compose.yaml, its YAML anchors and merge keys resolved."""
    return yaml_documents(DEPLOY / "compose.yaml")[0]


def dockerfile_instructions() -> tuple[dockerfile.Command, ...]:
    """The instructions of deploy/Dockerfile, read by Docker's own parser."""
    return dockerfile.parse_file(str(DEPLOY / "Dockerfile"))


def image_env() -> dict[str, str]:
    """The environment the image sets (its ENV instructions)."""
    env = {}
    for instruction in dockerfile_instructions():
        if instruction.cmd == "ENV":
            env.update(zip(instruction.value[::2], instruction.value[1::2], strict=True))
    return env


def web_port() -> int:
    """The port the web processes listen on in a container (the image's GUNICORN_BIND)."""
    return int(image_env()["GUNICORN_BIND"].rpartition(":")[2])


def procfile() -> dict[str, list[str]]:
    """Each Procfile process with its command as a container runs it: without the shell's
    `exec`, the `env` prefix and the loopback bind (a container binds via GUNICORN_BIND)."""
    processes = {}
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        processes[name.strip()] = _container_command(shlex.split(command))
    return processes


def _container_command(words: list[str]) -> list[str]:
    if words[0] == "exec":
        words = words[1:]
    if words[0] == "env":
        words = [w for w in words[1:] if "=" not in w]
    if "-b" in words:
        at = words.index("-b")
        words = words[:at] + words[at + 2 :]
    return words


def problems_of_command(words: list[str]) -> list[str]:
    """Why `words` would not start one of the project's processes (empty when it would): a
    gunicorn app or config file that does not exist, or an unknown services.cli command."""
    if words[0] == "gunicorn":
        return _gunicorn_problems(words)
    if words[:3] == ["python", "-m", "services.cli"]:
        return _cli_problems(words[3:])
    return [f"not a command of the project: {words}"]


def _gunicorn_problems(words: list[str]) -> list[str]:
    problems = []
    if "-c" in words and not (ROOT / words[words.index("-c") + 1]).is_file():
        problems.append(f"no gunicorn config file {words[words.index('-c') + 1]}")
    module, _, factory = words[-1].partition(":")
    if module.removeprefix("services.") not in config.SERVICES or factory != "create_app()":
        problems.append(f"not a service's app factory: {words[-1]}")
    return problems


def _cli_problems(args: list[str]) -> list[str]:
    if not args or args[0] not in cli.commands:
        return [f"no command services.cli {' '.join(args)}"]
    if args[0] in ("worker", "relay") and (len(args) != 2 or args[1] not in config.SERVICES):
        return [f"services.cli {args[0]} needs one service: {args[1:]}"]
    return []


@functools.cache
def setting_names() -> frozenset[str]:
    """Every environment variable the project's code reads (shared/, services/, deploy/),
    the settings each service adds to the shared ones included."""
    names = set()
    for folder in CODE:
        for path in folder.rglob("*.py"):
            names.update(_expand(name) for name in ENV_READ.findall(path.read_text()))
    return frozenset().union(*names) | _own_settings()


def _expand(name: str) -> frozenset[str]:
    if PER_SERVICE in name:
        return frozenset(name.replace(PER_SERVICE, s.upper()) for s in config.SERVICES)
    return frozenset([name])


def _own_settings() -> set[str]:
    shared = {f.name for f in fields(config.Settings)}
    env = {"SECRET_KEY": "unused-" + "x" * 32, "RV_DATA_DIR": str(ROOT / "var" / "unused")}
    return {
        f.name.upper()
        for service in config.SERVICES
        for f in fields(registry.load_settings(service, env))
        if f.name not in shared
    }


def imported_modules(folders: tuple[Path, ...]) -> set[str]:
    """The top-level modules the Python files under `folders` import."""
    names = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            names.update(_imported(ast.parse(path.read_text())))
    return names


def third_party_imports(folders: tuple[Path, ...]) -> set[str]:
    """The modules of imported_modules() other than the standard library's and the
    project's own."""
    own = {"shared", "services", "tests", "bench"}
    return {n for n in imported_modules(folders) if n not in own and n not in _stdlib()}


def _imported(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _stdlib() -> frozenset[str]:
    return frozenset(sys.stdlib_module_names) | {"__future__"}
