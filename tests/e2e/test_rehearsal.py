"""The production rehearsal: the platform run as deploy/compose.yaml runs it, and the whole
campaign played through it over HTTPS in Chromium.

Debian's nginx with the project's own deploy/nginx/ configuration (tests/tls_proxy.py)
terminates TLS with a certificate made for the run, in front of the three services under
gunicorn (deploy/gunicorn.conf.py) with a worker and a relay each (bench/peak_stack.py,
deploy/Procfile's processes), on fresh PostgreSQL databases and a Redis that keeps an
append-only file, with compose's environment: the public URLs on https, TRUSTED_PROXIES=1,
Secure cookies. The story is tests/e2e/test_campaign.py's, step for step: only the URLs,
the browsers (which accept the run's certificate) and the wait for the real relays and
workers differ. One stack for the session; it runs in the PostgreSQL pass of `make test`.
"""

from __future__ import annotations

import json
import shutil
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.peak_stack import Stack
from shared.config import SERVICES
from tests.e2e.test_campaign import Campaign, people, play_a_whole_edition  # noqa: F401
from tests.factories import edition_body, iso
from tests.links import CSRF
from tests.pictures import camera_jpeg
from tests.tls_proxy import HOSTS, Proxy

# The stack starts once for the session; its first test carries the start.
# Every test here runs in the PostgreSQL pass only (the SQLite pass deselects them).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600), pytest.mark.postgresql_only]

BUSY = {
    "rv_outbox_events": {"pending", "sent"},
    "rv_queue_jobs": {"queued", "started", "scheduled"},
}
FAILED = {"rv_outbox_events": {"failed"}, "rv_queue_jobs": {"failed"}}
QUIET = 1.3  # longer than a relay's interval (1 s): its periodic duties ran in between
SETTLE_WITHIN = 60.0
# The stack's start may take long: `make test` starts the SQLite pass's and the other worker's
# slow tests, their processes and browsers, at the same moment (an upper bound, not a pause).
START = 300.0
HTML = {"Accept": "text/html"}
YEAR = 365 * 86400
WINDOWS = ("nominations_open", "nominations_close", "voting_open", "voting_close", "jury_close")
# The story's people fill forms faster than the robot and fraud floors expect (as there).
STORY_SETTINGS = {"NOMINATION_MIN_FILL_SECONDS": "0", "FRAUD_MIN_FORM_SECONDS": "0"}


class Rehearsal:
    """The running platform behind its proxy."""

    def __init__(self, stack: Stack, proxy: Proxy, urls: dict[str, str]):
        self.stack, self.proxy, self.urls = stack, proxy, urls
        self.tls = ssl.create_default_context(cafile=str(proxy.certificate))

    def fetch(self, url: str, method: str = "GET", headers: dict | None = None, body=None):
        """One request as a client outside would send it (the run's certificate trusted),
        without following redirects: (status, headers, body)."""
        request = urllib.request.Request(url, body, headers or {}, method=method)  # noqa: S310
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=self.tls), NoRedirects
        )
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def counts(self, service: str) -> dict[tuple[str, str], float]:
        """The bus gauges of a service's /metrics, asked on its own port (as the monitoring
        inside does): {(metric, state): value}."""
        url = f"{self.stack.url(service)}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            text = response.read().decode()
        found: dict[tuple[str, str], float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name in BUSY:
                    key = (sample.name, sample.labels["state"])
                    found[key] = found.get(key, 0) + sample.value
        return found

    def busy(self) -> bool:
        """Whether any event or job is still on its way (a failed one fails the test)."""
        counts = [self.counts(service) for service in SERVICES]
        failed = {k: v for c in counts for k, v in c.items() if k[1] in FAILED[k[0]] and v}
        assert not failed, failed
        return any(v for c in counts for k, v in c.items() if k[1] in BUSY[k[0]])

    def settle(self) -> None:
        """Wait until the bus has been quiet for longer than a relay's interval."""
        end, quiet_since = time.monotonic() + SETTLE_WITHIN, None
        while time.monotonic() < end:
            if self.busy():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > QUIET:
                return
            time.sleep(0.1)
        raise AssertionError("the bus did not settle")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def compose_settings(proxy: Proxy) -> dict[str, str]:
    """What deploy/compose.yaml sets beside the secrets (env.example's tunables as there)."""
    settings = {"TRUSTED_PROXIES": "1", "SESSION_COOKIE_SECURE": "1"}
    # One gunicorn process a service (4 threads): the suite's machine has two cores.
    settings |= {"WEB_CONCURRENCY": "1"}
    settings |= {f"{s.upper()}_PUBLIC_URL": proxy.url(s) for s in SERVICES}
    return settings | STORY_SETTINGS


@pytest.fixture(scope="session")
def rehearsal(request, tmp_path_factory):
    """The platform behind nginx, for the whole session, always on PostgreSQL (a server of its
    own when none answers): `make test` runs it once, in the PostgreSQL pass (the SQLite pass
    deselects `postgresql_only`); a run that does not deselect it runs it too."""
    assert shutil.which("nginx"), "Debian's nginx is needed (make test installs it)"
    folder = tmp_path_factory.mktemp("rehearsal")
    proxy = Proxy(folder / "nginx")
    postgres = request.getfixturevalue("postgres_server")
    settings = compose_settings(proxy)
    stack = Stack(
        folder / "stack", postgres, settings, demo=False, appendonly=True, ready_within=START
    )
    try:
        stack.start()
        urls = proxy.start(stack.ports)
        yield Rehearsal(stack, proxy, urls)
    finally:
        proxy.stop()
        stack.stop()


@pytest.fixture(scope="session")
def staff_token(rehearsal) -> str:
    """A staff token (admin), made as an operator makes one: with the CLI."""
    return rehearsal.stack.run_command("staff-token", "secretariaat").split()[-1]


@pytest.fixture
def campaign(rehearsal, staff_token, over_tls) -> Campaign:
    """The story's campaign on the rehearsal's stack."""
    staff = over_tls(extra_http_headers={"Authorization": f"Bearer {staff_token}"})
    mailbox = rehearsal.stack.mail_folder
    # Its pages are photographed by the plain-HTTP run; the same pictures again cost time.
    return Campaign(rehearsal.urls, staff.request, mailbox, rehearsal.settle, shots=None)


@pytest.fixture
def over_tls(people):  # noqa: F811 - test_campaign's people
    """people(...) whose browsers accept the run's certificate."""
    return lambda locale="nl-BE", **options: people(locale, ignore_https_errors=True, **options)


def test_the_whole_edition_over_https_behind_nginx(campaign, over_tls):
    play_a_whole_edition(campaign, over_tls)


def sign_in_to_staff(page, token: str, start: str) -> None:
    """Open `start` (a staff page or the sign-in form with a target), paste the staff token
    into the sign-in form and press its button."""
    page.goto(start)
    assert "/staff/login" in page.url
    page.locator("#token").fill(token)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("service", SERVICES)
def test_staff_sign_in_and_out_in_chromium_over_https(rehearsal, staff_token, over_tls, service):
    # The story's staff use the API; here the staff sign-in form and the sign-out button,
    # whose CSRF, Origin check and __Host- cookie only meet the real proxy over TLS.
    base = rehearsal.urls[service]
    staff = over_tls()
    sign_in_to_staff(staff, staff_token, f"{base}/staff/")
    assert staff.url == f"{base}/staff/"
    cookies = staff.context.cookies()
    assert cookies and all(c["name"].startswith("__Host-") and c["secure"] for c in cookies)
    copy = over_tls()  # another browser holding a copy of the session cookie
    copy.context.add_cookies(
        [{"name": c["name"], "value": c["value"], "url": base, "secure": True} for c in cookies]
    )
    copy.goto(f"{base}/staff/")
    assert copy.url == f"{base}/staff/"
    with staff.expect_navigation():
        staff.locator("form.signout button[type=submit]").click()
    assert "/staff/login" in staff.url
    copy.goto(f"{base}/staff/")
    assert "/staff/login" in copy.url


def test_a_sign_in_target_elsewhere_leads_to_the_staff_start_over_https(
    rehearsal, staff_token, over_tls
):
    base = rehearsal.urls["nominations"]
    staff = over_tls()
    sign_in_to_staff(staff, staff_token, f"{base}/staff/login?next=/%09/elders.example")
    assert staff.url == f"{base}/staff/"


# What only the proxy and TLS show: each asked as a client outside would ask it.

ONCE = ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options")
ONCE += ("Referrer-Policy", "X-Frame-Options")


@pytest.mark.parametrize("service", SERVICES)
def test_every_header_of_a_tls_site_is_sent_once(rehearsal, service):
    status, headers, _ = rehearsal.fetch(rehearsal.urls[service] + "/", headers=HTML)
    assert status == 200
    assert {name: len(headers.get_all(name) or ()) for name in ONCE} == dict.fromkeys(ONCE, 1)
    cookies = headers.get_all("Set-Cookie") or []
    assert all(c.startswith("__Host-") and "Secure" in c for c in cookies)


def test_a_script_without_referer_posts_a_pages_form_over_https(rehearsal):
    # As the contract lets clients that are not browsers do with a mailed link's form: GET
    # the page, POST its form back with the cookies, sending neither Referer nor Origin.
    page = f"{rehearsal.urls['jury']}/nieuwe-link"
    handlers = (
        urllib.request.HTTPSHandler(context=rehearsal.tls),
        urllib.request.HTTPCookieProcessor(),
    )
    client = urllib.request.build_opener(*handlers)
    with client.open(page, timeout=10) as form:
        token = CSRF.search(form.read().decode()).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": "an@example.be"}).encode()
    with client.open(page, body, timeout=10) as answer:  # an HTTP error would raise
        assert answer.status == 200 and answer.url == page


@pytest.mark.parametrize("service", SERVICES)
def test_the_metrics_are_not_served_through_the_proxy(rehearsal, service):
    status, _, body = rehearsal.fetch(rehearsal.urls[service] + "/metrics")
    assert status == 404 and json.loads(body)["error"]["code"] == "not_found"


@pytest.mark.parametrize("service", SERVICES)
def test_health_through_the_proxy_says_only_ok_or_not(rehearsal, service):
    status, _, body = rehearsal.fetch(rehearsal.urls[service] + "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


def test_plain_http_is_sent_to_https(rehearsal):
    url = rehearsal.proxy.url("voting", "http") + "/stemmen?x=1"
    status, headers, _ = rehearsal.fetch(url)
    assert (status, headers["Location"]) == (301, f"https://{HOSTS['voting']}/stemmen?x=1")


def test_an_unknown_host_is_refused(rehearsal):
    headers = {"Host": "elders.example"}
    status, _, _ = rehearsal.fetch(rehearsal.urls["voting"] + "/", headers=headers)
    assert status == 421


@pytest.mark.parametrize(
    ("length", "status", "code"),
    [(6000, 404, "not_found"), (9000, 414, "request_uri_too_large")],
)
def test_a_long_request_line_gets_the_contracts_json(rehearsal, length, status, code):
    url = rehearsal.urls["nominations"] + "/" + "x" * length
    answer, headers, body = rehearsal.fetch(url)
    assert (answer, headers.get_content_type()) == (status, "application/json")
    assert json.loads(body)["error"]["code"] == code


@pytest.mark.parametrize(
    ("headers", "status"),
    [({f"X-Extra-{i}": "x" for i in range(150)}, 200), ({"X-Big": "x" * 9000}, 431)],
    ids=["150 headers", "one header of 9000 bytes"],
)
def test_long_or_many_headers_get_the_contracts_json(rehearsal, headers, status):
    answer, got, body = rehearsal.fetch(rehearsal.urls["voting"] + "/healthz", headers=headers)
    assert (answer, got.get_content_type()) == (status, "application/json")
    assert "error" in json.loads(body) if status != 200 else json.loads(body)["status"] == "ok"


def test_a_body_too_large_gets_the_contracts_json(rehearsal):
    url = rehearsal.urls["voting"] + "/api/v1/editions/x/votes"
    headers = {"Content-Type": "application/json"}
    status, _, body = rehearsal.fetch(url, "POST", headers, b"{" + b" " * 70_000 + b"}")
    assert (status, json.loads(body)["error"]["code"]) == (413, "request_entity_too_large")


def test_the_json_api_over_https(rehearsal, staff_token):
    hub = rehearsal.urls["nominations"]
    # Long over, so that the campaign's edition stays the current one.
    past = {name: iso(-YEAR + hour * 3600) for hour, name in enumerate(WINDOWS)}
    body = json.dumps(edition_body("https-api", **past)).encode()
    bearer = {"Authorization": f"Bearer {staff_token}", "Content-Type": "application/json"}
    status, _, _ = rehearsal.fetch(f"{hub}/api/v1/editions", "POST", bearer, body)
    assert status == 201
    status, _, shown = rehearsal.fetch(f"{hub}/api/v1/editions/https-api")
    assert (status, json.loads(shown)["slug"]) == (200, "https-api")
    status, _, refused = rehearsal.fetch(f"{hub}/api/v1/editions", "POST", {}, body)
    assert (status, json.loads(refused)["error"]["code"]) == (401, "unauthorized")


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_keeps_its_contract_over_https(rehearsal, staff_token, service):
    base = rehearsal.urls[service]
    status, _, document = rehearsal.fetch(f"{base}/openapi.json")
    assert status == 200 and json.loads(document)["openapi"].startswith("3.")
    status, _, refused = rehearsal.fetch(f"{base}/api/v1/events/failed")
    assert (status, json.loads(refused)["error"]["code"]) == (401, "unauthorized")
    bearer = {"Authorization": f"Bearer {staff_token}"}
    status, _, listed = rehearsal.fetch(f"{base}/api/v1/events/failed", headers=bearer)
    assert (status, json.loads(listed)["items"]) == (200, [])
    status, _, unknown = rehearsal.fetch(f"{base}/bestaat/niet")
    assert (status, json.loads(unknown)["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(("extra", "status"), [(300_000, 404), (7 * 1024 * 1024, 413)])
def test_only_a_picture_upload_may_carry_more_than_64_kib(rehearsal, staff_token, extra, status):
    # Past 64 KiB the proxy lets it through to the hub (which knows no such edition: 404),
    # past 6 MB the proxy refuses it itself, in the contract's JSON.
    path = "/api/v1/editions/nergens/finalists/0f6c7c3e-0000-4000-8000-000000000000/picture"
    headers = {"Authorization": f"Bearer {staff_token}", "Content-Type": "image/jpeg"}
    body = camera_jpeg() + b"\0" * extra
    answer, got, reply = rehearsal.fetch(rehearsal.urls["nominations"] + path, "PUT", headers, body)
    assert (answer, got.get_content_type()) == (status, "application/json")
    assert "error" in json.loads(reply)
