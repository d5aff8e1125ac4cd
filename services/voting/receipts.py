"""Receipts: the code a voter is shown when their vote is confirmed, to find it later in
the public bulletin.

A receipt is drawn at random when a vote is confirmed (never from the address, the vote's id
or the moment), stored on the vote, and shown on the confirmation page only: the same code
on every later confirmation of that vote, never in a mail. Twelve characters of an alphabet
without look-alikes (no 0/O, 1/I/L) in three groups of four, about 59 bits: easy to read
aloud and to copy, impossible to guess.
"""

from __future__ import annotations

import re
import secrets
from typing import NamedTuple

from sqlalchemy import select

from services.voting.models import Edition, Vote
from shared.backends import backends
from shared.tokens import LinkInvalid, read_token

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP = 3, 4
FORMAT = re.compile(rf"^[{ALPHABET}]{{{GROUP}}}(-[{ALPHABET}]{{{GROUP}}}){{{GROUPS - 1}}}$")


def new_receipt() -> str:
    """A fresh random receipt code, such as `7KQM-X4RT-9HCW`."""
    drawn = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP))
    return _grouped(drawn)


def _grouped(characters: str) -> str:
    return "-".join(characters[i : i + GROUP] for i in range(0, len(characters), GROUP))


def normalise(typed: str) -> str | None:
    """The receipt a person typed, as stored (upper case, grouped), whatever the spaces,
    dashes or case they used; None when it cannot be a receipt."""
    characters = re.sub(r"[^0-9A-Za-z]", "", typed or "").upper()
    code = _grouped(characters)
    return code if FORMAT.match(code) else None


class Receipt(NamedTuple):
    """A vote's receipt code and the slug of its edition (for the check page's address)."""

    code: str
    slug: str


def receipt_of_link(token: str, purpose: str) -> Receipt | None:
    """The receipt of the vote a confirmation link names (None before it is confirmed, or
    for a link that names no vote). Read after the confirmation, so the page shows the code
    the vote holds, the same on every later confirmation."""
    try:
        vote_id = read_token(purpose, token, max_age=None)
    except LinkInvalid:
        return None
    query = select(Vote.receipt, Edition.slug).where(
        Vote.id == vote_id, Edition.id == Vote.edition_id, Vote.receipt.is_not(None)
    )
    with backends().reading() as session:
        row = session.execute(query).first()
    return Receipt(*row) if row else None


def vote_by_receipt(session, edition: Edition, code: str) -> Vote | None:
    """The edition's vote holding this receipt, or None."""
    return session.scalar(select(Vote).where(Vote.edition_id == edition.id, Vote.receipt == code))
