"""Signed, expiring links: confirmation of nominations and votes, jurors' login links.

A token is the id of what it confirms, signed with the service's secret key and a purpose
(so a token for one thing can never pass for another) and timed by itsdangerous. Single
use is the caller's part: the thing it points at records that it was used, in the same
transaction that uses it.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkInvalid(Exception):
    """The link was tampered with, is for something else, or was never issued."""


class LinkExpired(LinkInvalid):
    """The link was genuine but is older than it may be."""


class LinkUsed(LinkInvalid):
    """The link was genuine and has done what it does already."""


def _serializer(purpose: str, secret: str | None = None) -> URLSafeTimedSerializer:
    # Signs with the current key (the last); reads with it or any earlier key still accepted.
    # With `secret` given no app is needed (bench/votes.py signs links outside any app).
    if secret:
        return URLSafeTimedSerializer([secret], salt=f"rv.{purpose}")
    config = current_app.config
    keys = [*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=f"rv.{purpose}")


def make_token(purpose: str, value: str, secret: str | None = None) -> str:
    """A URL-safe token carrying `value` for `purpose`, signed with the secret key."""
    return _serializer(purpose, secret).dumps(value)


def read_token(purpose: str, token: str, max_age: int, secret: str | None = None) -> str:
    """The value of a token made for `purpose` at most `max_age` seconds ago.

    Raises LinkExpired or LinkInvalid; callers answer those with a 4xx page.
    """
    try:
        value = _serializer(purpose, secret).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkExpired("This link has expired.") from exc
    except BadSignature as exc:
        raise LinkInvalid("This link is not valid.") from exc
    if not isinstance(value, str):
        raise LinkInvalid("This link is not valid.")
    return value
