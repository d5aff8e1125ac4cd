"""Staff tokens: random, stored only as SHA-256 hashes, scoped, revocable.

The CLI writes each token's hash into every service's database, so that all three services
accept it at once without calling each other.
"""

from __future__ import annotations

import functools
import hashlib
import secrets

from flask import g, request
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, Unauthorized

from shared.backends import backends
from shared.models import StaffToken, utcnow

# A token holds one or more scopes; "admin" holds them all.
SCOPES = ("editions", "screening", "votes", "jury", "events", "privacy", "admin")
TOKEN_PREFIX = "rvs_"  # noqa: S105 - a label, not a secret


def hash_token(token: str) -> str:
    """The stored form of a token (a fast hash is right: tokens carry 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token, recognisable by its prefix in logs and secret scanners."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def store_token(session: Session, token: str, name: str, scopes: tuple[str, ...]) -> None:
    """Record a token's hash with its holder's name and scopes."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}")
    session.add(StaffToken(name=name, token_hash=hash_token(token), scopes=" ".join(scopes)))


def revoke_tokens(session: Session, name: str) -> int:
    """Revoke every live token of `name`; returns how many were revoked."""
    result = session.execute(
        update(StaffToken)
        .where(StaffToken.name == name, StaffToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount


def _bearer() -> str:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise Unauthorized("A staff token is needed: Authorization: Bearer <token>.")
    return token.strip()


def live_token(session: Session, token_hash: str | None) -> StaffToken | None:
    """The unrevoked staff token with this hash, if any."""
    if not token_hash:
        return None
    return session.scalar(
        select(StaffToken).where(
            StaffToken.token_hash == token_hash, StaffToken.revoked_at.is_(None)
        )
    )


def authenticate(session: Session, scope: str) -> StaffToken:
    """The live token of this request, checked for `scope`: 401 without one, 403 without it."""
    row = live_token(session, hash_token(_bearer()))
    if row is None:
        raise Unauthorized("This staff token is not valid or was revoked.")
    if not row.grants(scope):
        raise Forbidden(f"This staff token lacks the {scope!r} right.")
    return row


def staff_required(scope: str):
    """Decorate a view that only staff holding `scope` may call; sets g.staff to their name."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            with backends().sessions() as session:
                g.staff = authenticate(session, scope).name
            return view(*args, **kwargs)

        wrapped.staff_scope = scope
        return wrapped

    return decorate
