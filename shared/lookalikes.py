"""Look-alike mail domains: a domain that mixes scripts in one label (`gmаil.com` with a
Cyrillic а) or spells a mailbox provider's name with look-alike characters (`gmai1.com`,
`ɡmail.com`) is made to be taken for another. Such a domain spreads one owner's mailboxes
over names that each stay below a per-domain count, and passes for a public provider;
nobody needs one to vote, so intake refuses them.

The table of look-alikes is the small part of Unicode's confusables (UTS #39) that spells
Latin letters in Cyrillic, Greek and Latin's own variants, with the digits and letter pairs
that pass for a letter in a mail client's font.

A provider's domain misspelled by one slip of the hand (two letters swapped, one left out
or doubled: `hotmial.com`, `outlok.be`) is one too: no mail typed so reaches its person, and
whoever registered it reads what does.
"""

from __future__ import annotations

import functools
import unicodedata

import idna

# A look-alike character or pair, and the Latin letter a reader takes it for.
LOOKALIKES = {
    **dict(zip("аеорсухіјѕԁһӏԛԝкмнт", "aeopcyxijsdhlqwkmht", strict=True)),  # Cyrillic
    **dict(zip("οαρνικτυχεω", "oapvikturew", strict=True)),  # Greek
    **dict(zip("ɡıȷℓ01", "gijlol", strict=True)),  # Latin variants and digits
}
LETTER_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
# Scripts written together in one name (Japanese; Chinese; Korean), with Latin beside them.
# How many domains the checks keep their answers for, per process.
DOMAINS_KEPT = 4096
COMBINED_SCRIPTS = frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})


@functools.lru_cache(maxsize=DOMAINS_KEPT)
def unicode_domain(domain: str) -> str:
    """The domain as IDNA (UTS #46) reads it, in Unicode: compatibility forms folded
    (ｇｍａｉｌ, 。), lower case; the typed form, folded as far as it goes, when not a valid
    name. Kept for the latest domains: a campaign's voters share a few providers, and IDNA
    cost a tenth of a vote's intake."""
    folded = unicodedata.normalize("NFKC", domain).casefold().rstrip(".")
    try:
        return idna.decode(idna.encode(folded, uts46=True))
    except idna.IDNAError:
        return folded


def skeleton(label: str) -> str:
    """The Latin name a label is read as, its look-alike characters replaced."""
    read = "".join(LOOKALIKES.get(char, char) for char in label)
    for pair, letter in LETTER_PAIRS:
        read = read.replace(pair, letter)
    return read


def _scripts(label: str) -> set[str]:
    """The scripts of a label's letters (by the first word of their Unicode names)."""
    return {unicodedata.name(c, "?").split()[0] for c in label if unicodedata.category(c)[0] == "L"}


def mixes_scripts(label: str) -> bool:
    """Whether a label writes letters of scripts that are not written together."""
    scripts = _scripts(label)
    return len(scripts) > 1 and not scripts <= COMBINED_SCRIPTS


def lookalike(domain: str, names: frozenset[str]) -> bool:
    """Whether a mail domain mixes scripts in a label, or spells one of `names` (providers'
    names, such as `gmail`) with look-alike characters."""
    labels = unicode_domain(domain).split(".")
    return any(
        mixes_scripts(label) or (skeleton(label) != label and skeleton(label) in names)
        for label in labels
    )


def misspells(domain: str, providers: frozenset[str]) -> bool:
    """Whether a mail domain is one of `providers` (`hotmail.com` ...) misspelled by one
    slip: two neighbouring letters of its name swapped, or (in a name of six letters or
    more) one left out, not the first, or one doubled; under the same suffix."""
    return unicode_domain(domain) in _misspellings(providers)


@functools.cache
def _misspellings(providers: frozenset[str]) -> frozenset[str]:
    """Every misspelling of the providers' domains by one slip, made once."""
    slips = set()
    for provider in providers:
        name, _, suffix = provider.partition(".")
        if len(name) >= 5:
            slips |= {f"{slip}.{suffix}" for slip in _slips(name)}
    return frozenset(slips - providers)


def _slips(name: str) -> set[str]:
    """The misspellings of `name` by one slip (misspells)."""
    swapped = {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)}
    if len(name) < 6:
        return swapped
    dropped = {name[:i] + name[i + 1 :] for i in range(1, len(name))}
    doubled = {name[:i] + name[i] + name[i:] for i in range(len(name))}
    return swapped | dropped | doubled
