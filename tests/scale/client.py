"""A client of the running instances: HTTP calls, and calls made at the same moment."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from http.cookiejar import CookieJar
from urllib.parse import urlencode, urljoin

from tests.links import button_form


def call(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    """One HTTP exchange: (status, text of the answer); error statuses are answers too."""
    data = None if body is None else json.dumps(body).encode()
    headers = ({"Content-Type": "application/json"} if body is not None else {}) | (headers or {})
    request = urllib.request.Request(url, data, headers, method=method)  # noqa: S310 - loopback
    return _exchange(urllib.request.urlopen, request)


def pressing(url: str, headers: dict | None = None):
    """Open a mailed link as a person does (a GET, keeping its cookies, which changes
    nothing) and return the press of its page's button: a call that posts the form back
    with the page's CSRF token and cookies, answering (status, text)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    status, page = _exchange(opener.open, urllib.request.Request(url, headers=headers or {}))  # noqa: S310 - loopback
    form = button_form(page)
    assert status == 200 and form, (status, page[:300])
    data = urlencode({"csrf_token": form[1]}).encode()
    form_headers = (headers or {}) | {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(urljoin(url, form[0]), data, form_headers, method="POST")  # noqa: S310 - loopback
    return partial(_exchange, opener.open, request)


def _exchange(send, request) -> tuple[int, str]:
    try:
        with send(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()


def at_once(*calls) -> list:
    """Run the calls in threads of their own released at the same moment; their results."""
    barrier = threading.Barrier(len(calls))

    def run(fn):
        barrier.wait()
        return fn()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def in_parallel(fn, items, threads: int = 12) -> list:
    """fn(item) for every item, `threads` at a time; the results in the items' order."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, items))
