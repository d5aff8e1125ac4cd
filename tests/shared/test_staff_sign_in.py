"""Staff sign-in on every service's pages (shared/staff_pages.py), shown on the hub: after
signing in only a path of this site is a target; attempts are limited per client network
and per token prefix; signing out ends the session on the server, so a copied cookie
stops working."""

from __future__ import annotations

import pytest

from tests.services.nominations.staff_helpers import HTML, csrf, signed_in

START = "/staff/"
# Targets a browser would take to another site (it drops tabs and line breaks from a URL
# and reads a backslash as a slash), or that cannot be a Location at all.
ELSEWHERE = [
    "/\t/elders.example",
    "/\\elders.example",
    "\\/elders.example",
    "//elders.example",
    "/\n/elders.example",
    "https://elders.example/",
    "javascript:alert(1)",
    "/staff/\r\nSet-Cookie: x=1",
    "/staff/\x7f",
]


def sign_in(client, token: str, target: str = START, address: str = "192.0.2.10"):
    """Post the sign-in form from `address`; the response."""
    form = {"token": token, "next": target, "csrf_token": csrf(client, "/staff/login")}
    return client.post(
        "/staff/login", data=form, headers=HTML, environ_base={"REMOTE_ADDR": address}
    )


def test_signing_in_leads_to_a_path_on_this_site(app, token_for):
    response = sign_in(app.test_client(), token_for("admin"), "/staff/?lang=en")
    assert (response.status_code, response.location) == (303, "/staff/?lang=en")


@pytest.mark.parametrize("target", ELSEWHERE, ids=repr)
def test_a_target_elsewhere_leads_to_the_staff_start(app, token_for, target):
    response = sign_in(app.test_client(), token_for("admin"), target)
    assert (response.status_code, response.location) == (303, START)


@pytest.mark.parametrize("encoded", ["/%09/elders.example", "/%0a", "/%0d%0aX:1", "/%5celders"])
def test_an_encoded_target_in_the_query_leads_to_the_staff_start(app, token_for, encoded):
    client = app.test_client()
    form = {"token": token_for("admin"), "csrf_token": csrf(client, "/staff/login")}
    response = client.post(f"/staff/login?next={encoded}", data=form, headers=HTML)
    assert (response.status_code, response.location) == (303, START)


def test_the_form_page_with_a_line_break_in_its_target_is_no_500(app):
    response = app.test_client().get("/staff/login?next=/x%0a", headers=HTML)
    assert response.status_code == 200


def test_sign_in_attempts_are_limited_per_client_network(make_app, token_for):
    hub = make_app("nominations", staff_sign_in_limit_network="3/hour")
    client = hub.test_client()
    answers = [
        sign_in(client, f"rvs_guess{i:04d}", address=f"192.0.2.{i}").status_code for i in range(4)
    ]
    assert answers == [401, 401, 401, 429]
    assert sign_in(client, "rvs_guess", address="198.51.100.1").status_code == 401


def test_sign_in_attempts_are_limited_per_token_prefix(make_app):
    hub = make_app("nominations", staff_sign_in_limit_prefix="2/hour")
    client = hub.test_client()
    answers = [
        sign_in(client, f"rvs_samepref{i}", address=f"203.0.{i}.1").status_code for i in range(3)
    ]
    assert answers == [401, 401, 429]
    refused = sign_in(client, "rvs_samepref9", address="203.0.9.1")
    assert refused.status_code == 429
    assert 3600 - 60 <= int(refused.headers["Retry-After"]) <= 3601  # the hour's window, nearly


def test_signing_out_stops_a_copied_cookie_too(app, token_for):
    client = signed_in(app, token_for("admin"))
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, client.get_cookie(name).value)
    assert copy.get(START, headers=HTML).status_code == 200  # the copy works while signed in
    form = {"csrf_token": csrf(client, START)}
    assert client.post("/staff/logout", data=form, headers=HTML).status_code == 303
    assert copy.get(START, headers=HTML).status_code == 303  # to the sign-in form
