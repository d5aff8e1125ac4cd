"""A browser-like client of the hub's staff pages: signed in with a staff token, posting
forms with their CSRF token as a browser sends them."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html"}


def csrf(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at `path`."""
    return CSRF.search(client.get(path, headers=HTML).get_data(as_text=True)).group(1)


def signed_in(app, token: str) -> FlaskClient:
    """A new client (its own cookies) signed in to `app`'s staff pages with `token`."""
    client = app.test_client()
    form = {"token": token, "next": "/staff/", "csrf_token": csrf(client, "/staff/login")}
    assert client.post("/staff/login", data=form, headers=HTML).status_code == 303
    return client


def post_form(client: FlaskClient, path: str, form: dict, page: str | None = None):
    """POST `form` to `path` with the CSRF token of the page it is on (`page`, else `path`)."""
    token = csrf(client, page or path)
    return client.post(path, data=form | {"csrf_token": token}, headers=HTML)
