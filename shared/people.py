"""Who a person is: the normalised e-mail address, kept only as a keyed hash.

One mailbox has many spellings: Unicode's compatibility forms (`ｂｅｒｔ`, `ｇｍａｉｌ`, the
ideographic full stop `。`), upper case, and the aliases of providers that ignore dots,
`+tags` or Yahoo's `-keywords` in the local part. Normalising folds them all into one
person (NFKC and case for the whole address, IDNA for its domain, then the provider's own
rules), so one person has one vote, whatever they typed.

The hash is HMAC-SHA256 with the platform's key (VOTER_HASH_KEY, else derived from the
secret key), so a leaked table cannot be matched against a list of addresses without it;
jury uses the same key to tell voting which persons are jurors (they may not vote).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from typing import NamedTuple

from shared.lookalikes import DOMAINS_KEPT, lookalike, misspells, unicode_domain

# Domains that are one mailbox provider (googlemail.com is gmail.com).
SAME_PROVIDER = {"googlemail.com": "gmail.com"}
# Providers that ignore dots in the local part.
IGNORE_DOTS = frozenset({"gmail.com"})
# Microsoft's mailboxes under their country domains (hotmail.fr is not hotmail.com: only the
# aliases within one domain are folded).
MICROSOFT = frozenset(
    f"{name}.{country}"
    for name in ("hotmail", "outlook", "live")
    for country in ("com", "be", "nl", "fr", "de", "co.uk", "it", "es", "lu", "at", "ch", "dk")
) | {"msn.com", "passport.com", "windowslive.com"}
# Providers that deliver name+tag@ to name@.
IGNORE_TAGS = MICROSOFT | {
    "gmail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "fastmail.com",
    "fastmail.fm",
    "proton.me",
    "protonmail.com",
    "pm.me",
}
# Yahoo: name-keyword@ is a disposable alias of name@ (Yahoo names hold no hyphen).
YAHOO = frozenset(
    f"{name}.{country}"
    for name in ("yahoo", "ymail", "rocketmail")
    for country in ("com", "be", "nl", "fr", "de", "co.uk")
)
# Mailbox providers open to anyone, where many unrelated people have their address; at any
# other domain, many addresses belong to one organisation (or to whoever owns the domain).
PUBLIC_PROVIDERS = (
    IGNORE_TAGS
    | YAHOO
    | {
        "googlemail.com",
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
)
# Providers' names (`gmail`, `hotmail` ...): a domain spelling one with look-alike characters
# imitates the provider (shared/lookalikes.py).
PROVIDER_NAMES = frozenset(
    name for domain in PUBLIC_PROVIDERS if len(name := domain.split(".")[0]) >= 4
)
HASH_LABEL = b"rv.voting.person"
MAILBOX_LABEL = b"rv.mailbox"
DIGITS = re.compile(r"\d+")


def normalise(email: str) -> str:
    """The one spelling of an address's mailbox: compatibility forms and case folded, the
    domain as IDNA reads it, the provider's aliases folded."""
    local, _, domain = email.strip().rpartition("@")
    local = unicodedata.normalize("NFKC", local).casefold()
    domain = unicode_domain(domain)
    domain = SAME_PROVIDER.get(domain, domain)
    if domain in IGNORE_TAGS:
        local = local.split("+", 1)[0]
    if domain in YAHOO:
        local = local.split("-", 1)[0]
    if domain in IGNORE_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


@functools.lru_cache(maxsize=DOMAINS_KEPT)
def imitating(domain: str) -> bool:
    """Whether a mail domain mixes scripts or imitates a public mailbox provider, with
    look-alike characters or misspelled by one slip (such an address is refused:
    shared/lookalikes.py). Kept for the latest domains, as `unicode_domain` is."""
    return lookalike(domain, PROVIDER_NAMES) or misspells(domain, PUBLIC_PROVIDERS)


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


def mailbox_key(settings, email: str) -> str:
    """A keyed hash of the address's mailbox (its one spelling) under a key of its own, for
    counters that must not hold the address nor the person's hash (mail limits)."""
    key = hmac.new(settings.secret_key.encode(), MAILBOX_LABEL, hashlib.sha256).digest()
    return keyed_hash(key, normalise(email))


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of `value` under `key`, in hex."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
