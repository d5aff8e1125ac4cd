"""deploy/nginx/ run for a test: Debian's nginx with the project's own template, rendered as
the nginx image renders it at start (its ${...} filled from the environment), plus what
only differs on this machine, each a named replacement that must match the template once:

- the upstreams are gunicorn on loopback ports instead of compose's `<service>:8000`, and
  without `resolve` (Docker's DNS; Debian's nginx predates it in the open-source build);
- nginx listens on free ports instead of 80 and 443 (tests may run side by side);
- the certificate is one made for the run with openssl, for the three host names.

The three services get a host name each, as in production: loopback addresses
(127.0.0.2-4; Linux routes all of 127/8 to the loopback), so that no name needs resolving.
The main nginx.conf, which the nginx image brings, is written here (its paths in the run's
folder).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from shared.config import SERVICES

ROOT = Path(__file__).resolve().parent.parent
NGINX = ROOT / "deploy" / "nginx"
HOSTS = {"nominations": "127.0.0.2", "voting": "127.0.0.3", "jury": "127.0.0.4"}
MAIN_CONF = """\
{user}worker_processes 1;
pid {folder}/nginx.pid;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include conf.d/*.conf;
}}
"""


def any_free_port() -> int:
    """A TCP port free on every address (nginx listens on all of them, for the three hosts)."""
    with socket.socket() as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, f"deploy/nginx no longer has {old!r}: update tests/tls_proxy.py"
    return text.replace(old, new)


def render(template: str, upstreams: dict[str, int], ports: dict[str, int], tls: Path) -> str:
    """The template as nginx would run it here: hosts filled in, gunicorn's loopback ports,
    free listening ports, the run's certificate."""
    for service in SERVICES:
        template = _replace_once(template, f"${{{service.upper()}_HOST}}", HOSTS[service])
        local = f"server 127.0.0.1:{upstreams[service]};"
        template = _replace_once(template, f"server {service}:8000 resolve;", local)
    template = _replace_once(template, "listen 80 ", f"listen {ports['http']} ")
    template = _replace_once(template, "listen 443 ssl", f"listen {ports['https']} ssl")
    return _replace_once(template, "/etc/nginx/tls/", f"{tls}/")


def make_certificate(folder: Path) -> Path:
    """A self-signed certificate for the three hosts (its own CA): folder/fullchain.pem and
    privkey.pem, as deploy/tls/ holds them."""
    folder.mkdir(parents=True, exist_ok=True)
    names = ",".join(f"IP:{address}" for address in HOSTS.values())
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
    command += ["-subj", "/CN=rv-rehearsal", "-addext", f"subjectAltName={names}"]
    command += ["-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")]
    subprocess.run(command, check=True, capture_output=True)
    return folder / "fullchain.pem"


class Proxy:
    """nginx in front of the three services: start(upstreams) -> {service: https URL}."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.ports = {"http": any_free_port(), "https": any_free_port()}
        self.certificate = make_certificate(folder / "tls")
        self.process: subprocess.Popen | None = None

    def url(self, service: str, scheme: str = "https") -> str:
        """The public base URL of a service through the proxy."""
        return f"{scheme}://{HOSTS[service]}:{self.ports[scheme]}"

    def configure(self, upstreams: dict[str, int]) -> Path:
        """Write nginx.conf, conf.d/default.conf, service.conf and errors.conf beside, as the
        image holds them; the main file's path."""
        for sub in ("conf.d", "tmp"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        template = (NGINX / "templates" / "default.conf.template").read_text()
        rendered = render(template, upstreams, self.ports, self.certificate.parent)
        (self.folder / "conf.d" / "default.conf").write_text(rendered)
        for name in ("service.conf", "errors.conf"):
            shutil.copy(NGINX / name, self.folder / name)
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the run's files
        main = self.folder / "nginx.conf"
        main.write_text(MAIN_CONF.format(user=user, folder=self.folder))
        return main

    def start(self, upstreams: dict[str, int]) -> dict[str, str]:
        """Check the configuration (nginx -t), start nginx and wait for its ports."""
        main = self.configure(upstreams)
        base = [
            "nginx",
            "-p",
            str(self.folder),
            "-c",
            str(main),
            "-e",
            str(self.folder / "error.log"),
        ]
        subprocess.run([*base, "-t", "-q"], check=True, capture_output=True)
        self.process = subprocess.Popen([*base, "-g", "daemon off;"])
        self._wait_for_port(self.ports["https"])
        return {service: self.url(service) for service in SERVICES}

    def _wait_for_port(self, port: int, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                assert self.process.poll() is None, (self.folder / "error.log").read_text()
                time.sleep(0.05)
        raise RuntimeError("nginx did not listen")

    def stop(self) -> None:
        """Stop nginx (a graceful quit) and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
