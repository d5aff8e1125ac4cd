"""Voter hashes with a key of each edition, so that one person's votes of different editions
cannot be linked, and so that dropping the key after the edition makes its hashes useless.

shared/people.py gives the platform-wide keyed hashes of a person (jury and the hub's privacy
requests know a person by those). Voting keys them once more with the edition's own random
key (`Edition.hash_key`) before it stores or compares them. Editions made before there were
edition keys have none and keep the platform-wide hashes.
"""

from __future__ import annotations

from sqlalchemy import select

from services.voting.models import Edition
from shared.backends import backends
from shared.people import Person, keyed_hash

# (database, slug) -> the edition's key: read once per process, since intake needs it for
# every vote and it never changes while the edition takes votes.
_KEYS: dict[tuple[str, str], str | None] = {}


def in_edition(key: str | None, platform_hash: str | None) -> str | None:
    """A platform-wide keyed hash as the edition with `key` keeps it."""
    if key is None or platform_hash is None:
        return platform_hash
    return keyed_hash(bytes.fromhex(key), platform_hash)


def person_in(key: str | None, person: Person) -> Person:
    """The person's three hashes as the edition with `key` keeps them."""
    return Person(*(in_edition(key, value) for value in person))


def key_of(slug: str) -> str | None:
    """The key of the edition `slug` (None for an unknown edition or one without a key)."""
    cache = (str(backends().engine.url), slug)
    if cache not in _KEYS:
        with backends().reading() as session:
            edition = session.scalar(select(Edition).where(Edition.slug == slug))
        if edition is None:
            return None  # not cached: the edition may arrive by event any moment
        _KEYS[cache] = edition.hash_key
    return _KEYS[cache]
