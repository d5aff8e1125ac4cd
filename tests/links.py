"""Following a link from a mail as a person does: open it (a GET, which changes nothing),
then press the one button its page shows, which posts back to the link."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

FORM = re.compile(r'<form method="post" action="([^"]*)">')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def button_form(page: str) -> tuple[str, str] | None:
    """The action and CSRF token of the form on a link's page, or None if it has none."""
    form, token = FORM.search(page), CSRF.search(page)
    return (form.group(1), token.group(1)) if form and token else None


def follow(client: FlaskClient, path: str, **options) -> TestResponse:
    """GET a mailed link's path, then press its page's button (a POST to the same path with
    the CSRF token and the GET's cookies); the POST's answer, or the GET's when its page
    has no button (a tampered, expired or used link)."""
    page = client.get(path, **options)
    form = page.status_code == 200 and button_form(page.get_data(as_text=True))
    if not form:
        return page
    action, token = form
    assert action == path.split("?")[0], (action, path)
    return client.post(action, data={"csrf_token": token}, **options)
