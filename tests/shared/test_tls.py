"""What a site behind a TLS proxy needs from the app: a Referrer-Policy under which a form
posted to its own site carries a Referer (Flask-WTF insists on one over HTTPS), CSRF kept
whole, `__Host-` session cookies, and Strict-Transport-Security left to the proxy (sent
once). tests/e2e/test_rehearsal.py plays the same through the real nginx."""

from __future__ import annotations

import re

import pytest

from shared.config import SERVICES

# Headers, cookies and the CSRF check are the web layer's, before any database work: the
# PostgreSQL pass leaves this module to the SQLite pass.
pytestmark = pytest.mark.engine_free

# Policies under which a browser sends a same-origin Referer (at least the origin) on a POST.
SAME_ORIGIN_REFERRER = {"same-origin", "strict-origin", "strict-origin-when-cross-origin"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html"}
# A form that is there without an edition: staff sign-in (voting and jury).
SIGN_IN = "/staff/login"
EXPIRED = "verlopen"
each_service = pytest.mark.parametrize("service", SERVICES)
each_sign_in = pytest.mark.parametrize("service", ("voting", "jury"))


@pytest.fixture
def proxied(stack, make_env):
    """The three apps behind one trusted proxy that says the request came over HTTPS."""
    return stack(make_env(TRUSTED_PROXIES="1"))


def https_client(app):
    """A test client whose requests arrive as from the TLS proxy."""
    client = app.test_client()
    client.environ_base.update(HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="192.0.2.7")
    return client


def post_form(client, **headers: str):
    """Post the sign-in form with its CSRF token and a token that is no staff token."""
    page = client.get(SIGN_IN, headers=HTML).get_data(as_text=True)
    form = {"csrf_token": CSRF.search(page).group(1), "token": "rvs_nope"}
    return client.post(SIGN_IN, data=form, headers=HTML | headers)


@each_service
def test_pages_let_a_form_posted_to_its_own_site_carry_a_referer(proxied, service):
    page = https_client(proxied[service]).get("/", headers=HTML)
    assert page.headers["Referrer-Policy"] in SAME_ORIGIN_REFERRER


@each_sign_in
def test_over_https_a_script_without_referer_or_origin_relies_on_the_token(proxied, service):
    response = post_form(https_client(proxied[service]))
    assert response.status_code == 401  # past CSRF: the made-up staff token is refused


@each_sign_in
@pytest.mark.parametrize("header", ["Referer", "Origin"])
def test_over_https_a_form_from_its_own_page_gets_past_csrf(proxied, service, header):
    source = f"https://localhost{SIGN_IN}" if header == "Referer" else "https://localhost"
    response = post_form(https_client(proxied[service]), **{header: source})
    assert response.status_code == 401  # past CSRF: the made-up staff token is refused


@each_sign_in
@pytest.mark.parametrize(
    ("header", "source"),
    [
        ("Referer", "https://elders.example/"),
        ("Origin", "https://elders.example"),
        ("Origin", "null"),
        ("Origin", "http://localhost"),
    ],
)
def test_over_https_a_form_from_another_site_is_refused(proxied, service, header, source):
    response = post_form(https_client(proxied[service]), **{header: source})
    assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)


@each_service
def test_the_session_cookie_is_host_prefixed_over_https(proxied, service):
    client = https_client(proxied[service])
    response = client.get("/?lang=en", headers=HTML)  # the choice is kept in the session
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-") and "Secure" in cookie and "Domain" not in cookie


@each_service
def test_the_session_cookie_keeps_its_plain_name_for_local_http(stack, service):
    app = stack(session_cookie_secure=False)[service]
    assert not app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


@each_service
def test_the_app_leaves_strict_transport_security_to_the_proxy(proxied, service):
    response = https_client(proxied[service]).get("/", headers=HTML)
    assert "Strict-Transport-Security" not in response.headers
