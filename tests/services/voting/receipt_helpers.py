"""Helpers of the receipt and bulletin tests: votes confirmed with their receipts read from
the confirmation page, and the bulletin as the public reads it."""

from __future__ import annotations

import hashlib
import json
import re

RECEIPT = re.compile(r'class="receipt-code">\s*([0-9A-Z-]+)\s*<')


def receipt_on(page: str) -> str | None:
    """The receipt code a confirmation page shows, or None."""
    found = RECEIPT.search(page)
    return found.group(1) if found else None


def voted(voting, address: str, finalist: int = 0, ip: str = "127.0.0.1") -> str:
    """Vote as `address` for `finalist`, confirm from the mail, and return the receipt the
    confirmation page shows."""
    assert voting.vote(address, finalist, ip=ip).status_code == 202
    voting.deliver()
    response = voting.confirm(voting.token(address), ip=ip)
    assert response.status_code == 200
    code = receipt_on(response.get_data(as_text=True))
    assert code, "the confirmation page shows no receipt"
    return code


def public_bulletin(app, slug: str) -> dict:
    """The bulletin as anyone reads it from the API."""
    response = app.test_client().get(f"/api/v1/editions/{slug}/bulletin")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def rehash(bulletin: dict) -> str:
    """The SHA-256 of a bulletin recomputed by the rule clients follow (API.md)."""
    document = {k: v for k, v in bulletin.items() if k != "sha256"}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check(voting, typed: str, lang: str = "nl") -> str:
    """Type a receipt into the check page, as a browser does (its CSRF token from the
    page); the page that answers."""
    client, path = voting.app.test_client(), f"/stemmen/{voting.slug}/controle?lang={lang}"
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(path, data={"csrf_token": token, "receipt": typed})
    assert response.status_code == 200
    return response.get_data(as_text=True)
