"""deploy/nginx: parsed by crossplane (nginx's directive table: names, contexts, arguments)
as the nginx image lays it out, and consistent with the services behind it."""

from __future__ import annotations

import json
import re
import runpy
from collections.abc import Iterator

import crossplane
import pytest

from services import registry
from services.nominations.images import MAX_BYTES
from services.nominations.staff_pictures import FORM_SPARE
from shared import config
from tests.deploy.deploy_files import DEPLOY, compose, web_port

NGINX = DEPLOY / "nginx"
GUNICORN = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
FINALIST = "0f6c7c3e-0000-4000-8000-000000000000"
PICTURE_PATHS = (
    f"/api/v1/editions/demo/finalists/{FINALIST}/picture",
    f"/staff/editions/demo/finalists/{FINALIST}/foto",
)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> dict:
    """crossplane's reading of the proxy's configuration, in the image's folders: the
    template as conf.d/default.conf inside the image's http block, service.conf beside."""
    etc = tmp_path_factory.mktemp("nginx")
    (etc / "conf.d").mkdir()
    (etc / "nginx.conf").write_text("events {}\nhttp {\n    include conf.d/*.conf;\n}\n")
    template = (NGINX / "templates" / "default.conf.template").read_text()
    (etc / "conf.d" / "default.conf").write_text(template)
    for name in ("service.conf", "errors.conf"):
        (etc / name).write_text((NGINX / name).read_text())
    return crossplane.parse(str(etc / "nginx.conf"), strict=True, combine=True)


def directives(block: list[dict]) -> Iterator[dict]:
    """Every directive in `block` and the blocks inside it."""
    for directive in block:
        yield directive
        yield from directives(directive.get("block", []))


def http(parsed: dict) -> list[dict]:
    """The directives of the http block."""
    (block,) = (d["block"] for d in parsed["config"][0]["parsed"] if d["directive"] == "http")
    return block


def args_of(block: list[dict], name: str) -> list[list[str]]:
    """The arguments of each directive called `name` directly in `block`."""
    return [d["args"] for d in block if d["directive"] == name]


def test_nginx_accepts_every_directive_where_it_stands(parsed):
    assert parsed["errors"] == []


def proxied(parsed: dict) -> dict[str, tuple[str, list[dict]]]:
    """The server blocks that pass `location /` on: {server_name: (proxy_pass, block)}."""
    routes = {}
    for server in (d["block"] for d in http(parsed) if d["directive"] == "server"):
        for location in (d["block"] for d in server if d["args"] == ["/"]):
            if not args_of(location, "proxy_pass"):
                continue  # the default server, which answers 421
            for (name,) in args_of(server, "server_name"):
                routes[name] = (args_of(location, "proxy_pass")[0][0], server)
    return routes


def test_each_service_host_is_passed_to_its_upstream(parsed):
    routes = {name: upstream for name, (upstream, _) in proxied(parsed).items()}
    assert routes == {f"${{{s.upper()}_HOST}}": f"http://{s}" for s in config.SERVICES}


def tls_servers(parsed: dict) -> list[list[dict]]:
    """The server blocks that listen with TLS (the services' and the default one)."""
    servers = [d["block"] for d in http(parsed) if d["directive"] == "server"]
    return [s for s in servers if any("ssl" in args for args in args_of(s, "listen"))]


def test_each_service_host_answers_a_body_too_large_itself(parsed):
    for _, server in proxied(parsed).values():
        assert ["413", "=", "@too_large"] in args_of(server, "error_page")
        assert ["@too_large"] in args_of(server, "location")


@pytest.mark.parametrize(("status", "answer"), [("414", "414"), ("494", "431")])
def test_every_tls_server_answers_a_line_too_long_in_json(parsed, status, answer):
    for server in tls_servers(parsed):
        ((_, _, location),) = [a for a in args_of(server, "error_page") if a[0] == status]
        (block,) = (
            d["block"] for d in server if d["directive"] == "location" and location in d["args"]
        )
        ((code, body),) = args_of(block, "return")
        assert code == answer and json.loads(body)["error"]["code"]


def test_gunicorn_takes_every_request_line_and_header_the_proxy_passes(parsed):
    ((count, size),) = args_of(http(parsed), "large_client_header_buffers")
    bound = int(size.removesuffix("k")) * 1024 - 2  # the line without its CRLF
    assert GUNICORN["limit_request_line"] >= bound
    assert GUNICORN["limit_request_field_size"] >= bound
    assert GUNICORN["limit_request_fields"] * 4 >= int(count) * bound  # "a:b" is 3 bytes


def test_each_upstream_is_a_web_service_of_compose_on_the_port_gunicorn_binds(parsed):
    upstreams = {
        d["args"][0]: args_of(d["block"], "server")[0][0]
        for d in http(parsed)
        if d["directive"] == "upstream"
    }
    assert upstreams == {s: f"{s}:{web_port()}" for s in config.SERVICES}
    assert set(upstreams) <= set(compose()["services"])


def test_the_hosts_come_from_the_proxy_environment():
    template = (NGINX / "templates" / "default.conf.template").read_text()
    environment = compose()["services"]["proxy"]["environment"]
    for service in config.SERVICES:
        name = f"{service.upper()}_HOST"
        assert f"${{{name}}}" in template
        assert environment[name] == f"${{{name}}}"


def test_the_client_address_and_scheme_are_forwarded(parsed):
    headers = dict(args_of(http(parsed), "proxy_set_header"))
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Host"] == headers["X-Forwarded-Host"] == "$http_host"  # with its port


def test_bodies_are_limited_as_the_services_limit_them(parsed):
    ((size,),) = args_of(http(parsed), "client_max_body_size")
    assert int(size.removesuffix("k")) * 1024 == config.Settings.max_content_length


def test_only_the_picture_uploads_may_send_5_mb(parsed):
    (hub,) = [server for name, (_, server) in proxied(parsed).items() if "NOMINATIONS" in name]
    (regex,) = [d for d in hub if d["directive"] == "location" and d["args"][0] == "~"]
    for path in PICTURE_PATHS:
        assert re.fullmatch(regex["args"][1].strip("^$"), path)
        assert not re.fullmatch(regex["args"][1].strip("^$"), path + "/x")
    ((size,),) = args_of(regex["block"], "client_max_body_size")
    assert MAX_BYTES + FORM_SPARE <= int(size.removesuffix("m")) * 1024 * 1024 < 2 * MAX_BYTES
    assert args_of(regex["block"], "proxy_pass") == [["http://nominations"]]


def test_the_proxy_waits_longer_than_gunicorn_lets_a_request_run(parsed):
    ((read,),) = args_of(http(parsed), "proxy_read_timeout")
    assert int(read.removesuffix("s")) > GUNICORN["timeout"]


def test_a_body_too_large_gets_the_services_own_error(parsed, settings_for):
    client = registry.create_app("nominations", settings_for("nominations")).test_client()
    too_large = b"x" * (config.Settings.max_content_length + 1)
    answer = client.post(
        "/api/v1/editions/demo/nominations", data=too_large, content_type="application/json"
    )
    (body,) = {
        d["args"][1]
        for d in directives(http(parsed))
        if d["directive"] == "return" and d["args"][0] == "413"
    }
    assert answer.status_code == 413
    assert json.loads(body)["error"].keys() == answer.get_json()["error"].keys()
    assert json.loads(body)["error"]["code"] == answer.get_json()["error"]["code"]


def test_the_metrics_stay_inside(parsed):
    for _, server in proxied(parsed).values():
        (metrics,) = (d["block"] for d in server if d["args"] == ["=", "/metrics"])
        assert args_of(metrics, "return")[0][0] == "404"
