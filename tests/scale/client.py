"""A client of the running instances: HTTP calls, and calls made at the same moment."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def call(url: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    """One HTTP exchange: (status, text of the answer); error statuses are answers too."""
    data = None if body is None else json.dumps(body).encode()
    headers = ({"Content-Type": "application/json"} if body is not None else {}) | (headers or {})
    request = urllib.request.Request(url, data, headers, method=method)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
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
