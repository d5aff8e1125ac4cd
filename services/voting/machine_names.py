"""How machine-made a mailbox name looks, from 0 (a person's name) to 1 (generated).

Measured once at intake from the clear address (only the number is kept, never the address):
a script that makes mailboxes at will gives them random letters (few vowels, consonants that
no language puts together), long digit runs (user48213), letters and digits mixed
(a8f3e9c1) or long strings with hardly a repeated character. A person's name, with or without
a birth year (jan.peeters1985), has none of these. The measure is one piece of evidence for
fraud.py: an odd real name alone never holds a vote.
"""

from __future__ import annotations

import itertools
import re

VOWELS = frozenset("aeiouy")
# Consonant pairs common inside Dutch, French and English names; any other one is rare.
COMMON_PAIRS = frozenset(
    re.findall(
        "[a-z]{2}",
        "bb bl br ch ck cl cr ct dd dj dr ff fl fr ft gg gh gl gn gr jn kk kl kn kr ks kt lb "
        "ld lf lj lk ll lm ln lp ls lt lv lw lz mb mm mp ms mt nc nd ng nj nk nn ns nt nz ph "
        "pl pp pr ps pt rb rc rd rf rg rj rk rl rm rn rp rr rs rt rv rw rz sc sh sj sk sl sm "
        "sn sp ss st sw th tj dh dt hm hr tz tr ts tt tw vr wr xt zw bs cq",
    )
)
# The letters that make up most of a name in these languages; random letters are mostly others.
FREQUENT = frozenset("etaoinsrdlhu")
PARTS = re.compile(r"[a-z]+|[0-9]+")


def machine_made(email: str) -> float:
    """How generated the local part of `email` looks (0 to 1): the strongest of its letters'
    shape, its digit runs, its mix of letters and digits and its lack of repeats."""
    local = email.rpartition("@")[0].partition("+")[0].lower()
    parts = PARTS.findall(local)
    letters = [part for part in parts if part.isalpha()]
    return max(
        unpronounceable(letters),
        digit_run(parts),
        mixed(local),
        unrepeated(local),
    )


def unpronounceable(words: list[str]) -> float:
    """Few vowels, long consonant clusters, rare consonant pairs and uncommon letters: random
    letters mostly score above 0.5, names below. Words shorter than 5 letters in all say nothing."""
    pairs = [a + b for word in words for a, b in itertools.pairwise(word)]
    if len(pairs) < 4:
        return 0.0
    words = [word.replace("ij", "y") for word in words]  # the Dutch ij is one vowel
    text = "".join(words)
    vowels = sum(char in VOWELS for char in text) / len(text)
    run = max(len(cluster) for word in words for cluster in re.split("[aeiouy]", word))
    rare = sum(not (set(p) & VOWELS) and p not in COMMON_PAIRS for p in pairs) / len(pairs)
    uncommon = sum(char not in FREQUENT for char in text) / len(text)
    return (
        _clamp((0.33 - vowels) / 0.15)
        + _clamp((run - 2) / 3)
        + 2 * _clamp(rare / 0.35)
        + 2 * _clamp((uncommon - 0.25) / 0.25)
    ) / 6


def digit_run(parts: list[str]) -> float:
    """A run of five or more digits (user48213); a year or a house number is no evidence."""
    longest = max((len(part) for part in parts if part.isdigit()), default=0)
    return 0.0 if longest < 5 else _clamp(0.5 + (longest - 5) * 0.15)


def mixed(local: str) -> float:
    """Letters and digits alternating (a8f3e9c1): one switch is a name with a number."""
    kinds = [char.isdigit() for char in local if char.isalnum()]
    switches = sum(a != b for a, b in itertools.pairwise(kinds))
    return _clamp((switches - 2) / 3)


def unrepeated(local: str) -> float:
    """A long name of one piece (16 characters or more) in which hardly a character comes
    back, as in a random string: long names repeat their letters (jeanpierrevandenbroeck)."""
    compact = "".join(char for char in local if char.isalnum())
    if len(compact) < 16 or len(compact) < len(local):
        return 0.0
    return _clamp((len(set(compact)) / len(compact) - 0.75) / 0.2)


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 1.0)
