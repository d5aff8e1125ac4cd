"""Who a person is: the normalised e-mail address, kept only as a keyed hash.

Mail providers that ignore dots or `+tags` in the local part deliver several spellings to
one mailbox; normalising folds those spellings into one person, so one person has one
vote. The hash is HMAC-SHA256 with the platform's key (VOTER_HASH_KEY, else derived from
the secret key), so a leaked table cannot be matched against a list of addresses without
it; jury uses the same key to tell voting which persons are jurors (they may not vote).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import NamedTuple

# Domains that are one mailbox provider (googlemail.com is gmail.com).
SAME_PROVIDER = {"googlemail.com": "gmail.com"}
# Providers that ignore dots in the local part.
IGNORE_DOTS = frozenset({"gmail.com"})
# Providers that deliver name+tag@ to name@.
IGNORE_TAGS = frozenset(
    {
        "gmail.com",
        "outlook.com",
        "outlook.be",
        "hotmail.com",
        "hotmail.be",
        "live.com",
        "live.be",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "proton.me",
        "protonmail.com",
        "pm.me",
    }
)
# Mailbox providers open to anyone, where many unrelated people have their address; at any
# other domain, many addresses belong to one organisation (or to whoever owns the domain).
PUBLIC_PROVIDERS = IGNORE_TAGS | {
    "yahoo.com",
    "yahoo.be",
    "yahoo.fr",
    "ymail.com",
    "aol.com",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "ziggo.nl",
    "kpnmail.nl",
    "telenet.be",
    "skynet.be",
    "proximus.be",
    "scarlet.be",
    "base.be",
    "voo.be",
    "edpnet.be",
}
HASH_LABEL = b"rv.voting.person"
DIGITS = re.compile(r"\d+")


def normalise(email: str) -> str:
    """The one spelling of an address's mailbox: lower case, the provider's aliases folded."""
    local, _, domain = email.strip().lower().rpartition("@")
    domain = SAME_PROVIDER.get(domain, domain)
    if domain in IGNORE_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORE_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def shape(normalised: str) -> str:
    """The address with the digits of its local part taken out: name1@ and name2@ share it."""
    local, _, domain = normalised.rpartition("@")
    return f"{DIGITS.sub('', local)}@{domain}"


class Person(NamedTuple):
    """Who typed an address, as the platform keeps it: keyed hashes only."""

    hash: str  # of the normalised address: one person, one vote
    shape_hash: str  # of its shape: name1@ and name2@ share it
    domain_hash: str | None = None  # of its domain, unless that is a public provider


def identify(settings, email: str) -> Person:
    """The person behind a typed address, under the settings' key (VOTER_HASH_KEY, else one
    derived from the secret key under a fixed label)."""
    if settings.voter_hash_key:
        key = settings.voter_hash_key.encode()
    else:
        key = hmac.new(settings.secret_key.encode(), HASH_LABEL, hashlib.sha256).digest()
    normalised = normalise(email)
    domain = normalised.rpartition("@")[2]
    own_domain = None if domain in PUBLIC_PROVIDERS else keyed_hash(key, f"@{domain}")
    return Person(keyed_hash(key, normalised), keyed_hash(key, shape(normalised)), own_domain)


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under `key`, in hex."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
